package kpi

// rollConversationsSQL rewrites the kpi_conversations and kpi_calls rows
// of the conversations $1 from their messages and returns the customers
// of their calls, before and after (whose call backs may change). A
// conversation's customer-facing messages are its texts, mails and calls,
// not notes, events or inbound auto-replies (nor history, stored as
// those); an exchange is a message to the customer that follows one from
// them, in insertion (id) order. A call's customer is its conversation's
// contact now. Rows that would not change are left alone.
const rollConversationsSQL = `WITH agg AS (
		SELECT x.conversation_id, c.created_at,
			min(x.sent_at) FILTER (WHERE x.direction = 'in') AS first_in_at,
			min(x.sent_at) FILTER (WHERE x.direction = 'out') AS first_out_at,
			(array_agg(x.author_id ORDER BY x.sent_at, x.id) FILTER (WHERE x.direction = 'out'))[1] AS first_out_by,
			count(*) FILTER (WHERE x.direction = 'in') AS messages_in,
			count(*) FILTER (WHERE x.direction = 'out') AS messages_out,
			count(*) FILTER (WHERE x.direction = 'out' AND x.prev = 'in') AS exchanges,
			(array_agg(x.direction ORDER BY x.id DESC))[1] AS last_dir
		FROM (SELECT m.conversation_id, m.id, m.direction, m.sent_at, m.author_id,
				lag(m.direction) OVER (PARTITION BY m.conversation_id ORDER BY m.id) AS prev
			FROM messages m
			WHERE m.conversation_id = ANY($1) AND m.kind IN ('text', 'email', 'call')
				AND NOT (m.direction = 'in' AND m.auto_reply)) x
		JOIN conversations c ON c.id = x.conversation_id
		GROUP BY x.conversation_id, c.created_at
	), convs AS (
		INSERT INTO kpi_conversations AS k (conversation_id, created_at, first_in_at, first_out_at, first_out_by,
			messages_in, messages_out, exchanges, last_dir)
		SELECT * FROM agg
		ON CONFLICT (conversation_id) DO UPDATE SET created_at = EXCLUDED.created_at,
			first_in_at = EXCLUDED.first_in_at, first_out_at = EXCLUDED.first_out_at,
			first_out_by = EXCLUDED.first_out_by, messages_in = EXCLUDED.messages_in,
			messages_out = EXCLUDED.messages_out, exchanges = EXCLUDED.exchanges, last_dir = EXCLUDED.last_dir
		WHERE (k.created_at, k.first_in_at, k.first_out_at, k.first_out_by, k.messages_in, k.messages_out,
				k.exchanges, k.last_dir)
			IS DISTINCT FROM (EXCLUDED.created_at, EXCLUDED.first_in_at, EXCLUDED.first_out_at,
				EXCLUDED.first_out_by, EXCLUDED.messages_in, EXCLUDED.messages_out, EXCLUDED.exchanges,
				EXCLUDED.last_dir)
	), old AS (
		SELECT contact_id FROM kpi_calls WHERE conversation_id = ANY($1)
	), calls AS (
		INSERT INTO kpi_calls AS k (message_id, conversation_id, contact_id, sent_at, direction, answered)
		SELECT m.id, m.conversation_id, c.contact_id, m.sent_at, m.direction,
			COALESCE(m.call->>'disposition', '') = 'ANSWERED'
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.conversation_id = ANY($1) AND m.kind = 'call'
		ON CONFLICT (message_id) DO UPDATE SET contact_id = EXCLUDED.contact_id
		WHERE k.contact_id IS DISTINCT FROM EXCLUDED.contact_id
		RETURNING contact_id
	)
	SELECT ARRAY(SELECT contact_id FROM old WHERE contact_id IS NOT NULL
		UNION SELECT contact_id FROM calls WHERE contact_id IS NOT NULL)`

// callBacksSQL gives each missed call (inbound, not answered) of the
// calls that pass the condition %s (on kpi_calls k) the first outgoing
// call to the same customer after it, on any line and conversation
// (NULL: none yet), updating only the calls whose call back changes.
const callBacksSQL = `UPDATE kpi_calls m SET called_back_at = b.at
	FROM (SELECT k.message_id, (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
			AND o.contact_id = k.contact_id AND o.sent_at > k.sent_at ORDER BY o.sent_at LIMIT 1) AS at
		FROM kpi_calls k
		WHERE %s AND k.direction = 'in' AND NOT k.answered AND k.contact_id IS NOT NULL) b
	WHERE m.message_id = b.message_id AND m.called_back_at IS DISTINCT FROM b.at`

// dailySQL counts the requests (conversations started, history left out)
// of the days the condition %s (on days d) keeps, per day in the zone $1,
// channel, team and agent (0: none).
const dailySQL = `INSERT INTO kpi_daily (day, channel_id, team_id, agent_id, requests)
	SELECT (c.created_at AT TIME ZONE $1)::date, COALESCE(c.channel_id, 0), COALESCE(c.team_id, 0),
		COALESCE(c.assignee_id, 0), count(*)
	FROM conversations c
	WHERE NOT c.history AND %s
	GROUP BY 1, 2, 3, 4`

// daysSQL is the days (in the zone $2) the conversations $1 started on.
const daysSQL = `SELECT ARRAY(SELECT DISTINCT (created_at AT TIME ZONE $2)::date FROM conversations WHERE id = ANY($1))`

// dayRangeSQL is the condition of dailySQL keeping the conversations that
// started on the days $2.
const dayRangeSQL = `EXISTS (SELECT FROM unnest($2::date[]) d
		WHERE c.created_at >= d::timestamp AT TIME ZONE $1 AND c.created_at < (d + 1)::timestamp AT TIME ZONE $1)`
