-- +goose Up
-- The year's report (package inbox/kpi) read each request's and each
-- resolve's start by joining a year of conversations; the KPI tables now
-- carry it, written once when their rows are:
--
-- kpi_conversations.created_at: the conversation's start;
-- kpi_statuses.started: the start of the conversation a status change
--   belongs to, which a resolve's handling time runs from;
-- kpi_calls.contact_id: the customer of the call's conversation, whom a
--   call back must reach (indexed with the time for outgoing calls).
--
-- A conversation's start never changes (a merge moves the conversation,
-- not its start); its contact changes when contacts are merged or
-- unmerged, and a row trigger on conversations moves its calls along.
-- The trigger functions of 00012 are replaced whole to fill the new
-- columns; the rows already stored are filled below.

ALTER TABLE kpi_conversations ADD COLUMN created_at timestamptz;
ALTER TABLE kpi_statuses ADD COLUMN started timestamptz;
ALTER TABLE kpi_calls ADD COLUMN contact_id bigint;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION kpi_audit_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- kpi_messages_inserted is 00012's, also writing the calls' contacts and
-- the requests' starts. It reads a conversation by its primary key,
-- row by row (LATERAL … LIMIT 1): the function's plans are made once per
-- session, for whatever size of statement came first, and a join planned
-- for a few rows must not meet a million, nor one planned for a million
-- scan every conversation for a few. The reopenings probe each
-- conversation once, with its first inbound message of the statement.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION kpi_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- kpi_conversation_moved gives a conversation's calls its new contact,
-- finding them by the messages' index.
-- +goose StatementBegin
CREATE FUNCTION kpi_conversation_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kpi_calls k SET contact_id = NEW.contact_id
    FROM messages m WHERE m.conversation_id = NEW.id AND m.kind = 'call' AND k.message_id = m.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER kpi_moved AFTER UPDATE OF contact_id ON conversations
    FOR EACH ROW WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id)
    EXECUTE FUNCTION kpi_conversation_moved();

UPDATE kpi_calls k SET contact_id = c.contact_id FROM conversations c WHERE c.id = k.conversation_id;
UPDATE kpi_conversations k SET created_at = c.created_at FROM conversations c WHERE c.id = k.conversation_id;
UPDATE kpi_statuses s SET started = c.created_at FROM conversations c WHERE c.id = s.conversation_id;
CREATE INDEX kpi_conversations_created ON kpi_conversations (created_at);
-- The outgoing calls by customer and time: the call-backs a missed call
-- looks for, read without visiting the table.
CREATE INDEX kpi_calls_out ON kpi_calls (contact_id, sent_at) WHERE direction = 'out';
-- Statistics for the new columns where rows were filled. Not on empty
-- tables: statistics saying "empty" would let the triggers' plans, which
-- plpgsql keeps for a session, scan kpi_conversations whole as it grows.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT FROM kpi_conversations) THEN
        ANALYZE kpi_conversations, kpi_statuses, kpi_calls;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX kpi_calls_out, kpi_conversations_created;
DROP TRIGGER kpi_moved ON conversations;
DROP FUNCTION kpi_conversation_moved();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION kpi_audit_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added bigint;
BEGIN
    INSERT INTO kpi_statuses (conversation_id, at, ord, id, actor_id, status)
    SELECT e.subject_id, e.at, 0, e.id, e.actor_id, e.data->>'status'
    FROM kpi_new_events e
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
CREATE OR REPLACE FUNCTION kpi_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added bigint;
BEGIN
    -- Reopens first: the ingest updates the conversation after inserting
    -- its messages, so a resolved conversation is still resolved here.
    WITH reopened AS (
        INSERT INTO kpi_reopens (message_id, conversation_id, at)
        SELECT DISTINCT ON (n.conversation_id) n.id, n.conversation_id, GREATEST(n.sent_at, c.resolved_at)
        FROM kpi_new_messages n JOIN conversations c ON c.id = n.conversation_id
        WHERE c.status = 'resolved' AND n.direction = 'in' AND NOT n.auto_reply AND n.kind IN ('text', 'email', 'call')
        ORDER BY n.conversation_id, n.sent_at, n.id
        RETURNING message_id, conversation_id, at)
    INSERT INTO kpi_statuses (conversation_id, at, ord, id, actor_id, status)
    SELECT conversation_id, at, 1, message_id, NULL, 'reopened' FROM reopened;
    GET DIAGNOSTICS added = ROW_COUNT;
    IF added > 0 THEN
        PERFORM kpi_link_statuses(ARRAY(SELECT DISTINCT n.conversation_id FROM kpi_new_messages n));
    END IF;

    INSERT INTO kpi_calls (message_id, conversation_id, sent_at, direction, answered)
    SELECT n.id, n.conversation_id, n.sent_at, n.direction, COALESCE(n.call->>'disposition', '') = 'ANSWERED'
    FROM kpi_new_messages n WHERE n.kind = 'call';

    INSERT INTO kpi_conversations AS k (conversation_id, first_in_at, first_out_at, first_out_by,
        messages_in, messages_out, exchanges, last_dir)
    SELECT x.conversation_id,
        min(x.sent_at) FILTER (WHERE x.direction = 'in'),
        min(x.sent_at) FILTER (WHERE x.direction = 'out'),
        (array_agg(x.author_id ORDER BY x.sent_at, x.id) FILTER (WHERE x.direction = 'out'))[1],
        count(*) FILTER (WHERE x.direction = 'in'),
        count(*) FILTER (WHERE x.direction = 'out'),
        count(*) FILTER (WHERE x.direction = 'out' AND COALESCE(x.prev, k0.last_dir) = 'in'),
        (array_agg(x.direction ORDER BY x.id DESC))[1]
    FROM (SELECT n.conversation_id, n.id, n.direction, n.sent_at, n.author_id,
            lag(n.direction) OVER (PARTITION BY n.conversation_id ORDER BY n.id) AS prev
        FROM kpi_new_messages n
        WHERE n.kind IN ('text', 'email', 'call') AND NOT (n.direction = 'in' AND n.auto_reply)) x
    LEFT JOIN kpi_conversations k0 ON k0.conversation_id = x.conversation_id
    GROUP BY x.conversation_id, k0.last_dir
    ON CONFLICT (conversation_id) DO UPDATE SET
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

ALTER TABLE kpi_calls DROP COLUMN contact_id;
ALTER TABLE kpi_statuses DROP COLUMN started;
ALTER TABLE kpi_conversations DROP COLUMN created_at;
