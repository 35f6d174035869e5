-- +goose Up
-- kpi_calls.called_back_at: for a missed call (inbound, not answered),
-- the first outgoing call to the same customer after it, on any line and
-- conversation (NULL: none yet). The year's report (package inbox/kpi)
-- counts the missed calls not called back within N hours from it in the
-- same scan that counts the calls, instead of an anti-join of the
-- period's missed calls with every outgoing call.
--
-- Triggers keep it. The calls are written by a trigger of their own now
-- (kpi_messages_calls), each missed call with its call back among the
-- calls stored before the statement (by index). The statement's outgoing
-- calls then become the call back of their customer's missed calls, its
-- own included, that had none or a later one (kpi_calls_back), and a
-- merge or unmerge that moves a conversation's calls to another contact
-- (kpi_moved, 00014) looks again at the missed calls of both contacts.
-- Calls are never updated or deleted otherwise.
--
-- These functions look rows up by index only, through nested loops: the
-- plans plpgsql keeps for a session are made for whatever statement came
-- first, often on tables still empty, and a plan that scans every call
-- must not meet a million of them.

ALTER TABLE kpi_calls ADD COLUMN called_back_at timestamptz;
-- Room on each page for a call's new version when its call back arrives,
-- so the update stays on the page and leaves the indexes alone (HOT).
ALTER TABLE kpi_calls SET (fillfactor = 80);
-- The missed calls by customer and time: the calls a new outgoing call
-- may call back.
CREATE INDEX kpi_calls_missed ON kpi_calls (contact_id, sent_at) WHERE direction = 'in' AND NOT answered;

-- kpi_messages_inserted is 00014's without the calls.
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

-- kpi_messages_calls writes a statement's calls, each missed call with
-- its call back among the calls stored before (by index; the
-- statement's own outgoing calls are seen to by kpi_calls_inserted).
-- Sorting the statement's calls by customer to match them here instead
-- cost a bulk import of a million calls about a tenth of its time.
-- +goose StatementBegin
CREATE FUNCTION kpi_messages_calls() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off SET enable_bitmapscan = off SET enable_material = off
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
    INSERT INTO kpi_calls (message_id, conversation_id, contact_id, sent_at, direction, answered, called_back_at)
    SELECT x.id, x.conversation_id, x.contact_id, x.sent_at, x.direction, x.answered,
        CASE WHEN x.direction = 'in' AND NOT x.answered THEN
            (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out' AND o.contact_id = x.contact_id
                AND o.sent_at > x.sent_at ORDER BY o.sent_at LIMIT 1) END
    FROM (SELECT n.id, n.conversation_id, c.contact_id, n.sent_at, n.direction,
            COALESCE(n.call->>'disposition', '') = 'ANSWERED' AS answered
        FROM kpi_new_messages n
        LEFT JOIN LATERAL (SELECT contact_id FROM conversations WHERE id = n.conversation_id LIMIT 1) c ON true
        WHERE n.kind = 'call') x;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER kpi_messages_calls AFTER INSERT ON messages
    REFERENCING NEW TABLE AS kpi_new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_messages_calls();

-- kpi_calls_inserted makes a statement's new outgoing calls the call back
-- of their customer's missed calls before them (the statement's own
-- included) that had none or a later one, updating those whose call back
-- changes. It looks at the missed calls since the customer's outgoing
-- call before the statement's first: the earlier ones were called back
-- by then.
-- +goose StatementBegin
CREATE FUNCTION kpi_calls_inserted() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off SET enable_bitmapscan = off SET enable_material = off
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
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

CREATE TRIGGER kpi_calls_back AFTER INSERT ON kpi_calls
    REFERENCING NEW TABLE AS kpi_new_calls
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_calls_inserted();

-- kpi_conversation_moved is 00014's, also looking again at the call
-- backs of the missed calls of the contact the calls left and the one
-- they joined.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION kpi_conversation_moved() RETURNS trigger LANGUAGE plpgsql
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

UPDATE kpi_calls m SET called_back_at = (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
        AND o.contact_id = m.contact_id AND o.sent_at > m.sent_at ORDER BY o.sent_at LIMIT 1)
WHERE m.direction = 'in' AND NOT m.answered AND m.contact_id IS NOT NULL;

-- +goose Down
DROP TRIGGER kpi_calls_back ON kpi_calls;
DROP TRIGGER kpi_messages_calls ON messages;
DROP FUNCTION kpi_calls_inserted(), kpi_messages_calls();
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION kpi_conversation_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kpi_calls k SET contact_id = NEW.contact_id
    FROM messages m WHERE m.conversation_id = NEW.id AND m.kind = 'call' AND k.message_id = m.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

DROP INDEX kpi_calls_missed;
ALTER TABLE kpi_calls RESET (fillfactor);
ALTER TABLE kpi_calls DROP COLUMN called_back_at;
