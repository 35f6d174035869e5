package dbtest

// seedStep is one set-based statement group of Seed. The sizes come from
// transaction-local settings (seed.contacts, seed.conversations,
// seed.messages, seed.agents, seed.from, seed.to).
type seedStep struct{ name, sql string }

// seedSteps returns the steps that build the workspace, in order; the
// seed_* temporary tables carry the generated ids from step to step and
// vanish at commit.
func seedSteps() []seedStep {
	return []seedStep{
		{"users and teams", `
		INSERT INTO users (email, name, role, locale)
		SELECT 'seed-admin@seed.local', 'Seed Admin', 'admin', 'fa'
		UNION ALL
		SELECT 'seed-agent-' || n || '@seed.local', 'Agent ' || n, 'agent', CASE WHEN n % 2 = 0 THEN 'en' ELSE 'fa' END
		FROM generate_series(1, current_setting('seed.agents')::int) n;
		INSERT INTO teams (name) VALUES ('Seed Support'), ('Seed Sales');
		CREATE TEMP TABLE seed_agents ON COMMIT DROP AS
		SELECT a.n, a.id, t.id AS team_id
		FROM (SELECT row_number() OVER (ORDER BY id) AS n, id FROM users WHERE email LIKE 'seed-agent-%@seed.local') a
		JOIN (SELECT row_number() OVER (ORDER BY id) AS k, id FROM teams WHERE name LIKE 'Seed %') t ON t.k = 1 + a.n % 2;
		INSERT INTO team_members (team_id, user_id) SELECT team_id, id FROM seed_agents;
		INSERT INTO channels (kind, name) VALUES
			('email', 'Seed email'), ('sms', 'Seed SMS'), ('telegram', 'Seed Telegram'), ('phone', 'Seed phone');
		CREATE TEMP TABLE seed_channels ON COMMIT DROP AS
		SELECT row_number() OVER (ORDER BY id) AS k, id, kind FROM channels WHERE name LIKE 'Seed %';
		ANALYZE seed_agents, seed_channels;
		INSERT INTO sla_policies (name, first_response_minutes) VALUES ('Seed first response', 60);`},
		{"contacts", `
		SELECT set_config('seed.contact0', (SELECT COALESCE(max(id), 0) FROM contacts)::text, true);
		INSERT INTO contacts (name, name_fold, locale, created_at)
		SELECT 'Customer ' || n, 'customer ' || n, CASE WHEN n % 3 = 0 THEN 'en' ELSE 'fa' END,
			current_setting('seed.from')::timestamptz
		FROM generate_series(1, current_setting('seed.contacts')::int) n;
		CREATE TEMP TABLE seed_contacts ON COMMIT DROP AS
		SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM contacts
		WHERE id > current_setting('seed.contact0')::bigint;
		ANALYZE seed_contacts;
		INSERT INTO contact_identities (contact_id, kind, value)
		SELECT id, 'phone', '+98912' || lpad(n::text, 7, '0') FROM seed_contacts
		UNION ALL SELECT id, 'email', 'customer' || n || '@example.com' FROM seed_contacts WHERE n % 2 = 0
		UNION ALL SELECT id, 'telegram', (100000000 + n)::text FROM seed_contacts WHERE n % 3 = 0;`},
		{"plan conversations", `
		CREATE TEMP TABLE seed_convs ON COMMIT DROP AS
		WITH r AS (
			SELECT n, 1 + floor(random() * current_setting('seed.contacts')::int)::int AS cn,
				random() AS rc, random() AS rt, random() AS ra, random() AS rs, random() AS rr, random() AS rh
			FROM generate_series(1, current_setting('seed.conversations')::int) n),
		t AS (
			SELECT r.*, current_setting('seed.from')::timestamptz
				+ (current_setting('seed.to')::timestamptz - current_setting('seed.from')::timestamptz) * r.rt AS t0
			FROM r)
		SELECT t.n, sc.id AS contact, ch.id AS channel_id, ch.kind,
			-- fewer requests on Fridays and at night in Tehran
			t0 + CASE WHEN extract(dow FROM t0 AT TIME ZONE 'Asia/Tehran') = 5 AND t.rh < 0.6 THEN interval '-1 day' ELSE interval '0' END
				+ CASE WHEN extract(hour FROM t0 AT TIME ZONE 'Asia/Tehran') < 8 AND t.rh < 0.8 THEN interval '9 hours' ELSE interval '0' END AS created,
			CASE WHEN t.ra < 0.92 THEN a.id END AS assignee, CASE WHEN t.ra < 0.92 THEN a.team_id END AS team,
			b.id AS other_agent, t.rs, t.rr, t.rh
		FROM t
		JOIN seed_contacts sc ON sc.n = t.cn
		JOIN seed_channels ch ON ch.k = CASE WHEN t.rc < 0.3 THEN 1 WHEN t.rc < 0.55 THEN 2 WHEN t.rc < 0.8 THEN 3 ELSE 4 END
		JOIN seed_agents a ON a.n = 1 + floor(t.ra * 100000)::int % current_setting('seed.agents')::int
		JOIN seed_agents b ON b.n = 1 + a.n % current_setting('seed.agents')::int;
		ANALYZE seed_convs;`},
		{"plan messages", `
		CREATE TEMP TABLE seed_msgs ON COMMIT DROP AS
		WITH m AS (
			SELECT i, CASE WHEN i <= current_setting('seed.conversations')::int THEN i
				ELSE 1 + floor(power(random(), 1.6) * current_setting('seed.conversations')::int)::int END AS cn,
				random() AS r1, random() AS r2
			FROM generate_series(1, current_setting('seed.messages')::int) i),
		p AS (SELECT m.*, row_number() OVER (PARTITION BY cn ORDER BY i) - 1 AS pos, count(*) OVER (PARTITION BY cn) AS k
			FROM m)
		SELECT p.i, p.cn, p.r1, p.r2, p.pos, p.pos > 0 AND p.r2 < 0.03 AS note,
			CASE WHEN p.pos > 0 AND p.r2 < 0.03 THEN 'out'
				WHEN p.pos = 0 THEN CASE WHEN p.r1 < 0.95 THEN 'in' ELSE 'out' END
				WHEN (p.pos % 2 = 0) <> (p.r1 < 0.15) THEN 'in' ELSE 'out' END AS dir,
			c.created + interval '1 minute' * (20 + 3000 * c.rs * c.rs) * p.pos / p.k AS at
		FROM p JOIN seed_convs c ON c.n = p.cn;
		ANALYZE seed_msgs;
		CREATE TEMP TABLE seed_state ON COMMIT DROP AS
		SELECT cn, max(at) AS last, max(at) FILTER (WHERE dir = 'in') AS last_in,
			min(at) FILTER (WHERE dir = 'out' AND NOT note) AS first_out,
			(array_agg(dir ORDER BY pos DESC) FILTER (WHERE NOT note))[1] AS last_dir
		FROM seed_msgs GROUP BY cn;
		ANALYZE seed_state;
		ALTER TABLE seed_convs ADD COLUMN status text, ADD COLUMN id bigint;
		UPDATE seed_convs c SET status = CASE WHEN s.last < current_setting('seed.to')::timestamptz - interval '3 days'
				THEN CASE WHEN c.rs < 0.9 THEN 'resolved' WHEN c.rs < 0.95 THEN 'pending' ELSE 'open' END
				ELSE CASE WHEN c.rs < 0.4 THEN 'resolved' WHEN c.rs < 0.6 THEN 'pending' WHEN c.rs < 0.65 THEN 'snoozed' ELSE 'open' END END
		FROM seed_state s WHERE s.cn = c.n;`},
		{"conversations", `
		SELECT set_config('seed.conv0', (SELECT COALESCE(max(id), 0) FROM conversations)::text, true);
		INSERT INTO conversations (contact_id, channel_id, assignee_id, team_id, reply_token, status, created_at,
			updated_at, last_message_at, last_inbound_at, first_response_at, waiting_since, snoozed_until, resolved_at)
		SELECT c.contact, c.channel_id, c.assignee, c.team, 'seed' || c.n, c.status, c.created, s.last, s.last,
			s.last_in, s.first_out,
			CASE WHEN c.status <> 'resolved' AND s.last_dir = 'in' THEN s.last_in END,
			CASE WHEN c.status = 'snoozed' THEN current_setting('seed.to')::timestamptz + interval '1 day' END,
			CASE WHEN c.status = 'resolved' THEN s.last + interval '1 minute' * (5 + 600 * c.rr) END
		FROM seed_convs c JOIN seed_state s ON s.cn = c.n ORDER BY c.n;
		UPDATE seed_convs s SET id = c.id
		FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM conversations
			WHERE id > current_setting('seed.conv0')::bigint) c
		WHERE c.n = s.n;
		ANALYZE seed_convs;`},
		{"messages", `
		INSERT INTO messages (conversation_id, channel_id, external_id, direction, kind, author_id, call,
			status, sent_at, created_at, body)
		SELECT c.id, CASE WHEN m.note THEN NULL ELSE c.channel_id END, CASE WHEN m.note THEN NULL ELSE 'seed-' || m.i END,
			m.dir, CASE WHEN m.note THEN 'note' WHEN c.kind = 'email' THEN 'email' WHEN c.kind = 'phone' THEN 'call' ELSE 'text' END,
			CASE WHEN m.dir = 'out' THEN c.assignee END,
			CASE WHEN c.kind = 'phone' AND NOT m.note THEN jsonb_build_object(
				'disposition', CASE WHEN m.dir = 'in' THEN CASE WHEN m.r2 < 0.7 THEN 'ANSWERED' WHEN m.r2 < 0.9 THEN 'NO ANSWER' ELSE 'BUSY' END
					ELSE CASE WHEN m.r2 < 0.6 THEN 'ANSWERED' ELSE 'NO ANSWER' END END,
				'duration', floor(m.r1 * 600)::int, 'billable', floor(m.r1 * 500)::int, 'recording_url', '') END,
			CASE WHEN m.note THEN 'sent' WHEN m.dir = 'in' THEN 'received' ELSE 'delivered' END,
			m.at, m.at, CASE WHEN m.note THEN 'Note ' ELSE 'Message ' END || m.pos
		FROM seed_msgs m JOIN seed_convs c ON c.n = m.cn
		ORDER BY c.id, m.pos;`},
		{"audit events", `
		INSERT INTO audit_events (at, actor_id, action, subject_type, subject_id, data)
		SELECT at, actor, action, 'conversation', id, data FROM (
			-- a reassignment: first given to another agent
			SELECT c.created_at + interval '1 minute' AS at, (SELECT id FROM users WHERE email = 'seed-admin@seed.local') AS actor,
				'conversation.assign' AS action, c.id, jsonb_build_object('assignee_id', s.other_agent) AS data
			FROM conversations c JOIN seed_convs s ON s.id = c.id WHERE c.assignee_id IS NOT NULL AND s.rr < 0.08
			UNION ALL
			SELECT c.created_at + interval '2 minutes', (SELECT id FROM users WHERE email = 'seed-admin@seed.local'),
				'conversation.assign', c.id, jsonb_build_object('assignee_id', c.assignee_id)
			FROM conversations c JOIN seed_convs s ON s.id = c.id WHERE c.assignee_id IS NOT NULL
			UNION ALL
			-- a resolve that was reopened halfway
			SELECT c.created_at + (c.resolved_at - c.created_at) / 2, COALESCE(c.assignee_id, s.other_agent),
				'conversation.status', c.id, '{"status": "resolved", "until": null}'
			FROM conversations c JOIN seed_convs s ON s.id = c.id WHERE c.status = 'resolved' AND s.rh < 0.06
			UNION ALL
			SELECT c.created_at + (c.resolved_at - c.created_at) / 2 + interval '10 minutes', s.other_agent,
				'conversation.status', c.id, '{"status": "open", "until": null}'
			FROM conversations c JOIN seed_convs s ON s.id = c.id WHERE c.status = 'resolved' AND s.rh < 0.06
			UNION ALL
			SELECT c.resolved_at, COALESCE(c.assignee_id, s.other_agent),
				'conversation.status', c.id, '{"status": "resolved", "until": null}'
			FROM conversations c JOIN seed_convs s ON s.id = c.id WHERE c.status = 'resolved'
		) e ORDER BY at;
		INSERT INTO sla_breaches (conversation_id, policy_id, waiting_since, due_at, breached_at, from_user_id)
		SELECT c.id, (SELECT id FROM sla_policies WHERE team_id IS NULL), c.created_at,
			c.created_at + interval '1 hour', c.created_at + interval '1 hour', c.assignee_id
		FROM conversations c JOIN seed_convs s ON s.id = c.id
		WHERE COALESCE(c.first_response_at, current_setting('seed.to')::timestamptz) > c.created_at + interval '1 hour';
		INSERT INTO audit_events (at, action, subject_type, subject_id, data)
		SELECT b.breached_at, 'conversation.sla_breach', 'conversation', b.conversation_id,
			jsonb_build_object('policy_id', b.policy_id, 'due_at', b.due_at, 'from_user_id', b.from_user_id, 'to_user_id', NULL)
		FROM sla_breaches b JOIN seed_convs s ON s.id = b.conversation_id;`},
		{"merges", `
		CREATE TEMP TABLE seed_merges ON COMMIT DROP AS
		SELECT t.id AS target, s.id AS source FROM seed_contacts s JOIN seed_contacts t ON t.n = s.n - 1
		WHERE s.n % 100 = 0;
		INSERT INTO contact_merges (target_id, source_id, identity_ids, conversation_ids, target_before, source_before, created_at)
		SELECT target, source,
			ARRAY(SELECT id FROM contact_identities WHERE contact_id = source ORDER BY id),
			ARRAY(SELECT id FROM conversations WHERE contact_id = source ORDER BY id),
			(SELECT jsonb_build_object('name', name, 'tags', tags, 'attributes', attributes) FROM contacts WHERE id = target),
			(SELECT jsonb_build_object('name', name, 'tags', tags, 'attributes', attributes) FROM contacts WHERE id = source),
			current_setting('seed.to')::timestamptz
		FROM seed_merges;
		UPDATE contact_identities i SET contact_id = m.target FROM seed_merges m WHERE i.contact_id = m.source;
		UPDATE conversations c SET contact_id = m.target FROM seed_merges m WHERE c.contact_id = m.source;
		UPDATE contacts c SET merged_into = m.target FROM seed_merges m WHERE c.id = m.source;
		INSERT INTO audit_events (at, action, subject_type, subject_id, data)
		SELECT created_at, 'contact.merge', 'contact', target_id,
			jsonb_build_object('merge_id', id, 'source_id', source_id, 'identities', cardinality(identity_ids),
				'conversations', cardinality(conversation_ids))
		FROM contact_merges WHERE source_id IN (SELECT source FROM seed_merges);
		ANALYZE contacts, contact_identities, conversations, messages, audit_events, sla_breaches;`},
	}
}
