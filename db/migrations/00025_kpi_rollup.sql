-- +goose Up
-- KPIs from facts (issue 18). The statement triggers of 00009–00016 kept
-- the KPI tables inside every ingest, reply, merge and agent action:
--
-- on messages: kpi_0_lock (00013; locked the statement's conversations in
--   id order) and kpi_messages (00009, 00012, 00014; kpi_conversations,
--   kpi_reopens, the reopenings in kpi_statuses, kpi_calls);
-- on audit_events: kpi_0_lock (00013) and kpi_audit (00012, 00014;
--   kpi_statuses from conversation.status, kpi_assignments from
--   conversation.assign and conversation.sla_breach, with their
--   neighbours through kpi_link_statuses and kpi_link_assignments);
-- on kpi_reopens: kpi_reopens_gone (00012; mirrored deletes into
--   kpi_statuses);
-- on conversations: kpi_moved (00014, 00016; moved calls to the new
--   contact on a merge and recomputed their call backs);
-- on kpi_calls: kpi_calls_back (00016; called_back_at).
--
-- They are gone. The same tables are now written by the rollup worker
-- (package inbox/kpi, Roller), in Go, from the append-only facts:
-- messages and audit_events. Each fact carries the id of the transaction
-- that wrote it (xid, set by default, indexed), so the roller reads past
-- a horizon of transaction ids, not of row ids: a row id commits out of
-- order, a transaction id below the snapshot's xmin never commits again.
--
-- A customer message that reopens a resolved conversation was noticed
-- by the trigger; the ingest now records it as an audit event,
-- conversation.reopen ({"message_id": …}, at the reopening's instant),
-- and the reopenings stored so far are recorded here from kpi_reopens.

DROP TRIGGER kpi_0_lock ON messages;
DROP TRIGGER kpi_messages ON messages;
DROP TRIGGER kpi_0_lock ON audit_events;
DROP TRIGGER kpi_audit ON audit_events;
DROP TRIGGER kpi_reopens_gone ON kpi_reopens;
DROP TRIGGER kpi_moved ON conversations;
DROP TRIGGER kpi_calls_back ON kpi_calls;
DROP FUNCTION kpi_lock_message_conversations(), kpi_lock_event_conversations(), kpi_messages_inserted(),
    kpi_audit_inserted(), kpi_reopens_deleted(), kpi_conversation_moved(), kpi_calls_inserted(),
    kpi_link_statuses(bigint[]), kpi_link_assignments(bigint[]), kpi_id(text);

-- The writing transaction of each fact. The rows stored before have none
-- (NULL): the tables above already hold them, and a rebuild reads all.
ALTER TABLE messages ADD COLUMN xid xid8;
ALTER TABLE messages ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX messages_xid ON messages (xid);
ALTER TABLE audit_events ADD COLUMN xid xid8;
ALTER TABLE audit_events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX audit_events_xid ON audit_events (xid);
-- A conversation's xid is the transaction that started it (an update
-- leaves it): its request counts in kpi_daily even before any message.
ALTER TABLE conversations ADD COLUMN xid xid8;
ALTER TABLE conversations ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX conversations_xid ON conversations (xid);

-- No xid: like the rows stored before, they are in the tables already.
INSERT INTO audit_events (xid, at, action, subject_type, subject_id, data)
SELECT NULL, r.at, 'conversation.reopen', 'conversation', r.conversation_id,
    jsonb_build_object('message_id', r.message_id, 'backfill', '00025')
FROM kpi_reopens r ORDER BY r.message_id;

-- kpi_rollup is the roller's one row: every fact written by a transaction
-- below horizon is in the KPI tables.
CREATE TABLE kpi_rollup (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    horizon    xid8 NOT NULL,
    rolled_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO kpi_rollup (horizon) SELECT pg_snapshot_xmin(pg_current_snapshot());

-- kpi_daily counts the requests (conversations started, history left
-- out) per day in Tehran, channel, team and agent (0: none).
CREATE TABLE kpi_daily (
    day        date NOT NULL,
    channel_id bigint NOT NULL,
    team_id    bigint NOT NULL,
    agent_id   bigint NOT NULL,
    requests   integer NOT NULL,
    PRIMARY KEY (day, channel_id, team_id, agent_id)
);
INSERT INTO kpi_daily (day, channel_id, team_id, agent_id, requests)
SELECT (created_at AT TIME ZONE 'Asia/Tehran')::date, COALESCE(channel_id, 0), COALESCE(team_id, 0),
    COALESCE(assignee_id, 0), count(*)
FROM conversations WHERE NOT history GROUP BY 1, 2, 3, 4;

-- +goose Down
DROP TABLE kpi_daily, kpi_rollup;
DELETE FROM audit_events WHERE action = 'conversation.reopen';
DROP INDEX conversations_xid, audit_events_xid, messages_xid;
ALTER TABLE conversations DROP COLUMN xid;
ALTER TABLE audit_events DROP COLUMN xid;
ALTER TABLE messages DROP COLUMN xid;
-- +goose StatementBegin
CREATE FUNCTION kpi_id(v text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN btrim(v, E' \t\n\r') ~ '^[+-]?[0-9]{1,18}$' THEN btrim(v, E' \t\n\r')::bigint END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION kpi_link_statuses(convs bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE kpi_statuses s SET has_prev = x.has_prev, prev_status = x.prev_status,
        next_status = x.next_status, next_at = x.next_at
    FROM (SELECT ord, id, lag(true, 1, false) OVER w AS has_prev, lag(status) OVER w AS prev_status,
            lead(status) OVER w AS next_status, lead(at) OVER w AS next_at
        FROM kpi_statuses WHERE conversation_id = ANY (convs)
        WINDOW w AS (PARTITION BY conversation_id ORDER BY at, ord, id)) x
    WHERE s.ord = x.ord AND s.id = x.id
        AND (s.has_prev, s.prev_status, s.next_status, s.next_at)
            IS DISTINCT FROM (x.has_prev, x.prev_status, x.next_status, x.next_at)
$$;
-- +goose StatementEnd

-- kpi_link_assignments sets the agent before each agent change of convs.
-- +goose StatementBegin
CREATE FUNCTION kpi_link_assignments(convs bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE kpi_assignments a SET before = x.before
    FROM (SELECT id, lag(owner) OVER w AS before
        FROM kpi_assignments WHERE conversation_id = ANY (convs)
        WINDOW w AS (PARTITION BY conversation_id ORDER BY at, id)) x
    WHERE a.id = x.id AND a.before IS DISTINCT FROM x.before
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION kpi_lock_message_conversations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM conversations
    WHERE id IN (SELECT n.conversation_id FROM kpi_new_rows n)
    ORDER BY id FOR NO KEY UPDATE;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION kpi_lock_event_conversations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM conversations
    WHERE id IN (SELECT e.subject_id FROM kpi_new_rows e
        WHERE e.subject_type = 'conversation'
            AND e.action IN ('conversation.status', 'conversation.assign', 'conversation.sla_breach'))
    ORDER BY id FOR NO KEY UPDATE;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION kpi_audit_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added bigint;
BEGIN
    INSERT INTO kpi_statuses (conversation_id, at, ord, id, actor_id, status, started)
    SELECT e.subject_id, e.at, 0, e.id, e.actor_id, e.data->>'status', c.created_at
    FROM kpi_new_events e
    LEFT JOIN LATERAL (SELECT created_at FROM conversations WHERE id = e.subject_id LIMIT 1) c ON true
    WHERE e.subject_type = 'conversation' AND e.action = 'conversation.status';
    GET DIAGNOSTICS added = ROW_COUNT;
    IF added > 0 THEN
        PERFORM kpi_link_statuses(ARRAY(SELECT DISTINCT e.subject_id FROM kpi_new_events e
            WHERE e.subject_type = 'conversation' AND e.action = 'conversation.status'));
    END IF;

    INSERT INTO kpi_assignments (id, conversation_id, at, owner, by_sla)
    SELECT e.id, e.subject_id, e.at,
        CASE WHEN e.action = 'conversation.assign' THEN NULLIF(kpi_id(e.data->>'assignee_id'), 0)
            ELSE kpi_id(e.data->>'to_user_id') END,
        e.action = 'conversation.sla_breach'
    FROM kpi_new_events e
    WHERE e.subject_type = 'conversation' AND (e.action = 'conversation.assign'
        OR (e.action = 'conversation.sla_breach' AND e.data->>'to_user_id' IS NOT NULL));
    GET DIAGNOSTICS added = ROW_COUNT;
    IF added > 0 THEN
        PERFORM kpi_link_assignments(ARRAY(SELECT DISTINCT e.subject_id FROM kpi_new_events e
            WHERE e.subject_type = 'conversation' AND e.action IN ('conversation.assign', 'conversation.sla_breach')));
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION kpi_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    reopened bigint[];
BEGIN
    -- Reopens: the ingest updates the conversation after inserting its
    -- messages, so a resolved conversation is still resolved here.
    WITH found AS MATERIALIZED (
        SELECT v.id, v.conversation_id, GREATEST(v.sent_at, c.resolved_at) AS at, c.created_at
        FROM (SELECT DISTINCT ON (n.conversation_id) n.id, n.conversation_id, n.sent_at
            FROM kpi_new_messages n
            WHERE n.direction = 'in' AND NOT n.auto_reply AND n.kind IN ('text', 'email', 'call')
            ORDER BY n.conversation_id, n.sent_at, n.id) v
        CROSS JOIN LATERAL (SELECT resolved_at, created_at FROM conversations
            WHERE id = v.conversation_id AND status = 'resolved' LIMIT 1) c),
    reopens AS (
        INSERT INTO kpi_reopens (message_id, conversation_id, at) SELECT id, conversation_id, at FROM found),
    statuses AS (
        INSERT INTO kpi_statuses (conversation_id, at, ord, id, actor_id, status, started)
        SELECT conversation_id, at, 1, id, NULL, 'reopened', created_at FROM found
        RETURNING conversation_id)
    SELECT array_agg(DISTINCT conversation_id) INTO reopened FROM statuses;
    IF reopened IS NOT NULL THEN
        PERFORM kpi_link_statuses(reopened);
    END IF;

    INSERT INTO kpi_calls (message_id, conversation_id, contact_id, sent_at, direction, answered)
    SELECT n.id, n.conversation_id, c.contact_id, n.sent_at, n.direction,
        COALESCE(n.call->>'disposition', '') = 'ANSWERED'
    FROM kpi_new_messages n
    LEFT JOIN LATERAL (SELECT contact_id FROM conversations WHERE id = n.conversation_id LIMIT 1) c ON true
    WHERE n.kind = 'call';

    INSERT INTO kpi_conversations AS k (conversation_id, created_at, first_in_at, first_out_at, first_out_by,
        messages_in, messages_out, exchanges, last_dir)
    SELECT g.conversation_id, c.created_at, g.first_in_at, g.first_out_at, g.first_out_by,
        g.messages_in, g.messages_out, g.exchanges, g.last_dir
    FROM (SELECT x.conversation_id,
            min(x.sent_at) FILTER (WHERE x.direction = 'in') AS first_in_at,
            min(x.sent_at) FILTER (WHERE x.direction = 'out') AS first_out_at,
            (array_agg(x.author_id ORDER BY x.sent_at, x.id) FILTER (WHERE x.direction = 'out'))[1] AS first_out_by,
            count(*) FILTER (WHERE x.direction = 'in') AS messages_in,
            count(*) FILTER (WHERE x.direction = 'out') AS messages_out,
            count(*) FILTER (WHERE x.direction = 'out' AND COALESCE(x.prev, k0.last_dir) = 'in') AS exchanges,
            (array_agg(x.direction ORDER BY x.id DESC))[1] AS last_dir
        FROM (SELECT n.conversation_id, n.id, n.direction, n.sent_at, n.author_id,
                lag(n.direction) OVER (PARTITION BY n.conversation_id ORDER BY n.id) AS prev
            FROM kpi_new_messages n
            WHERE n.kind IN ('text', 'email', 'call') AND NOT (n.direction = 'in' AND n.auto_reply)) x
        LEFT JOIN kpi_conversations k0 ON k0.conversation_id = x.conversation_id
        GROUP BY x.conversation_id, k0.last_dir) g
    LEFT JOIN LATERAL (SELECT created_at FROM conversations WHERE id = g.conversation_id LIMIT 1) c ON true
    ON CONFLICT (conversation_id) DO UPDATE SET
        created_at = EXCLUDED.created_at,
        first_in_at = LEAST(k.first_in_at, EXCLUDED.first_in_at),
        first_out_by = CASE WHEN k.first_out_at IS NULL OR EXCLUDED.first_out_at < k.first_out_at
            THEN EXCLUDED.first_out_by ELSE k.first_out_by END,
        first_out_at = LEAST(k.first_out_at, EXCLUDED.first_out_at),
        messages_in = k.messages_in + EXCLUDED.messages_in,
        messages_out = k.messages_out + EXCLUDED.messages_out,
        exchanges = k.exchanges + EXCLUDED.exchanges,
        last_dir = EXCLUDED.last_dir;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION kpi_reopens_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM kpi_statuses s USING kpi_gone_reopens g WHERE s.ord = 1 AND s.id = g.message_id;
    PERFORM kpi_link_statuses(ARRAY(SELECT DISTINCT g.conversation_id FROM kpi_gone_reopens g));
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION kpi_calls_inserted() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off SET enable_bitmapscan = off SET enable_material = off
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
    UPDATE kpi_calls m SET called_back_at = b.at
    FROM (SELECT n.message_id, (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
            AND o.contact_id = n.contact_id AND o.sent_at > n.sent_at ORDER BY o.sent_at LIMIT 1) AS at
        FROM kpi_new_calls n WHERE n.direction = 'in' AND NOT n.answered AND n.contact_id IS NOT NULL) b
    WHERE m.message_id = b.message_id AND b.at IS NOT NULL;

    UPDATE kpi_calls m SET called_back_at = b.at
    FROM (SELECT g.contact_id, g.first, g.last,
            COALESCE((SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out' AND o.contact_id = g.contact_id
                AND o.sent_at < g.first ORDER BY o.sent_at DESC LIMIT 1), '-infinity') AS since
        FROM (SELECT contact_id, min(sent_at) AS first, max(sent_at) AS last FROM kpi_new_calls
            WHERE direction = 'out' AND contact_id IS NOT NULL GROUP BY contact_id) g) x
    CROSS JOIN LATERAL (SELECT k.message_id, (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
            AND o.contact_id = k.contact_id AND o.sent_at > k.sent_at ORDER BY o.sent_at LIMIT 1) AS at
        FROM kpi_calls k
        WHERE k.contact_id = x.contact_id AND k.direction = 'in' AND NOT k.answered
            AND k.sent_at >= x.since AND k.sent_at < x.last
            AND (k.called_back_at IS NULL OR k.called_back_at > x.first)) b
    WHERE m.message_id = b.message_id AND m.called_back_at IS DISTINCT FROM b.at;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION kpi_conversation_moved() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off SET enable_bitmapscan = off SET enable_material = off
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
    UPDATE kpi_calls k SET contact_id = NEW.contact_id
    FROM messages m WHERE m.conversation_id = NEW.id AND m.kind = 'call' AND k.message_id = m.id;
    UPDATE kpi_calls m SET called_back_at = b.at
    FROM (SELECT k.message_id, (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
            AND o.contact_id = k.contact_id AND o.sent_at > k.sent_at ORDER BY o.sent_at LIMIT 1) AS at
        FROM kpi_calls k
        WHERE k.contact_id IN (OLD.contact_id, NEW.contact_id) AND k.direction = 'in' AND NOT k.answered) b
    WHERE m.message_id = b.message_id AND m.called_back_at IS DISTINCT FROM b.at;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER kpi_0_lock AFTER INSERT ON messages
    REFERENCING NEW TABLE AS kpi_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_lock_message_conversations();
CREATE TRIGGER kpi_0_lock AFTER INSERT ON audit_events
    REFERENCING NEW TABLE AS kpi_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_lock_event_conversations();
CREATE TRIGGER kpi_messages AFTER INSERT ON messages
    REFERENCING NEW TABLE AS kpi_new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_messages_inserted();
CREATE TRIGGER kpi_audit AFTER INSERT ON audit_events
    REFERENCING NEW TABLE AS kpi_new_events
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_audit_inserted();
CREATE TRIGGER kpi_reopens_gone AFTER DELETE ON kpi_reopens
    REFERENCING OLD TABLE AS kpi_gone_reopens
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_reopens_deleted();
CREATE TRIGGER kpi_moved AFTER UPDATE OF contact_id ON conversations
    FOR EACH ROW WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id)
    EXECUTE FUNCTION kpi_conversation_moved();
CREATE TRIGGER kpi_calls_back AFTER INSERT ON kpi_calls
    REFERENCING NEW TABLE AS kpi_new_calls
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_inserted();
