-- +goose Up
-- Service KPIs (package inbox/kpi): a per-conversation rollup of its
-- messages and a log of reopenings by customer messages, both maintained
-- by a statement-level trigger on messages, and the indexes the reports
-- read by.

-- kpi_conversations sums up a conversation's customer-facing messages
-- (text, email, call; not notes, events or inbound auto-replies).
CREATE TABLE kpi_conversations (
    conversation_id bigint PRIMARY KEY,
    -- first_in_at is the customer's first message, first_out_at the first
    -- message to the customer and first_out_by its author (NULL when it
    -- came in through a channel rather than from an agent in Peyk).
    first_in_at     timestamptz,
    first_out_at    timestamptz,
    first_out_by    bigint,
    messages_in     integer NOT NULL DEFAULT 0,
    messages_out    integer NOT NULL DEFAULT 0,
    -- exchanges counts the turns: each message to the customer that
    -- follows a message from the customer (in insertion order).
    exchanges       integer NOT NULL DEFAULT 0,
    last_dir        text
);

-- kpi_reopens records each time a customer message reopened a resolved
-- conversation (the ingest does that without an audit event).
CREATE TABLE kpi_reopens (
    message_id      bigint PRIMARY KEY,
    conversation_id bigint NOT NULL,
    at              timestamptz NOT NULL
);
CREATE INDEX kpi_reopens_conversation ON kpi_reopens (conversation_id, at);

-- +goose StatementBegin
CREATE FUNCTION kpi_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Reopens first: the ingest updates the conversation after inserting
    -- its messages, so a resolved conversation is still resolved here.
    INSERT INTO kpi_reopens (message_id, conversation_id, at)
    SELECT DISTINCT ON (n.conversation_id) n.id, n.conversation_id, GREATEST(n.sent_at, c.resolved_at)
    FROM kpi_new_messages n JOIN conversations c ON c.id = n.conversation_id
    WHERE c.status = 'resolved' AND n.direction = 'in' AND NOT n.auto_reply AND n.kind IN ('text', 'email', 'call')
    ORDER BY n.conversation_id, n.sent_at, n.id;

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

CREATE TRIGGER kpi_messages AFTER INSERT ON messages
    REFERENCING NEW TABLE AS kpi_new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_messages_inserted();

-- The rollup of the messages stored before this migration.
INSERT INTO kpi_conversations (conversation_id, first_in_at, first_out_at, first_out_by,
    messages_in, messages_out, exchanges, last_dir)
SELECT x.conversation_id,
    min(x.sent_at) FILTER (WHERE x.direction = 'in'),
    min(x.sent_at) FILTER (WHERE x.direction = 'out'),
    (array_agg(x.author_id ORDER BY x.sent_at, x.id) FILTER (WHERE x.direction = 'out'))[1],
    count(*) FILTER (WHERE x.direction = 'in'),
    count(*) FILTER (WHERE x.direction = 'out'),
    count(*) FILTER (WHERE x.direction = 'out' AND x.prev = 'in'),
    (array_agg(x.direction ORDER BY x.id DESC))[1]
FROM (SELECT m.conversation_id, m.id, m.direction, m.sent_at, m.author_id,
        lag(m.direction) OVER (PARTITION BY m.conversation_id ORDER BY m.id) AS prev
    FROM messages m
    WHERE m.kind IN ('text', 'email', 'call') AND NOT (m.direction = 'in' AND m.auto_reply)) x
GROUP BY x.conversation_id;

CREATE INDEX conversations_created ON conversations (created_at);
CREATE INDEX audit_events_kpi ON audit_events (at)
    WHERE subject_type = 'conversation'
        AND action IN ('conversation.status', 'conversation.assign', 'conversation.sla_breach');
CREATE INDEX sla_breaches_breached ON sla_breaches (breached_at);
CREATE INDEX messages_calls ON messages (sent_at) WHERE kind = 'call';

-- +goose Down
DROP INDEX messages_calls, sla_breaches_breached, audit_events_kpi, conversations_created;
DROP TRIGGER kpi_messages ON messages;
DROP FUNCTION kpi_messages_inserted();
DROP TABLE kpi_reopens, kpi_conversations;
