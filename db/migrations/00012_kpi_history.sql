-- +goose Up
-- Narrow copies of what the KPI reports (package inbox/kpi) replay, so a
-- report reads a few small rows per conversation instead of sorting wide
-- audit events and reading the calls out of the messages:
--
-- kpi_statuses: each status change of a conversation, by an agent (the
--   audit event conversation.status, ord 0) or by a customer message that
--   reopened it (kpi_reopens, ord 1, status 'reopened');
-- kpi_assignments: each change of a conversation's agent, by an assign
--   (conversation.assign) or by the SLA check (conversation.sla_breach
--   that moved it);
-- kpi_calls: each call message, its direction and whether it was
--   answered.
--
-- Each status change and agent change also carries its neighbours in its
-- conversation's history (ordered by at, then ord, then id), so a report
-- reads who came before and after without sorting the history:
-- kpi_link_statuses and kpi_link_assignments recompute them for the
-- conversations a statement touched, whatever order the rows came in.
--
-- Statement-level triggers on audit_events and messages keep the tables,
-- and a delete from kpi_reopens is mirrored; the rows already stored are
-- copied below.

CREATE TABLE kpi_statuses (
    conversation_id bigint NOT NULL,
    at              timestamptz NOT NULL,
    -- ord orders a status change before a reopening at the same instant;
    -- id is the audit event's id (ord 0) or the message's (ord 1).
    ord             smallint NOT NULL,
    id              bigint NOT NULL,
    actor_id        bigint,
    -- status is the audit event's data->>'status', or 'reopened'.
    status          text,
    -- has_prev and prev_status describe the change before this one,
    -- next_status and next_at the one after (NULL: none).
    has_prev        boolean NOT NULL DEFAULT false,
    prev_status     text,
    next_status     text,
    next_at         timestamptz,
    PRIMARY KEY (ord, id)
);
CREATE INDEX kpi_statuses_at ON kpi_statuses (at);
CREATE INDEX kpi_statuses_conversation ON kpi_statuses (conversation_id);

CREATE TABLE kpi_assignments (
    -- id is the audit event's.
    id              bigint PRIMARY KEY,
    conversation_id bigint NOT NULL,
    at              timestamptz NOT NULL,
    -- owner is the agent after the change (NULL: unassigned).
    owner           bigint,
    by_sla          boolean NOT NULL,
    -- before is the agent before this change (NULL: none, or unassigned).
    before          bigint
);
CREATE INDEX kpi_assignments_at ON kpi_assignments (at);
CREATE INDEX kpi_assignments_conversation ON kpi_assignments (conversation_id);

CREATE TABLE kpi_calls (
    message_id      bigint PRIMARY KEY,
    conversation_id bigint NOT NULL,
    sent_at         timestamptz NOT NULL,
    direction       text NOT NULL,
    -- answered is the disposition ANSWERED.
    answered        boolean NOT NULL
);
CREATE INDEX kpi_calls_sent ON kpi_calls (sent_at);

-- kpi_id reads a JSON id as the reports did ((data->>key)::bigint),
-- giving NULL rather than an error for a value that is not a number, so
-- that a malformed audit event cannot fail its insert.
-- +goose StatementBegin
CREATE FUNCTION kpi_id(v text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v ~ '^\s*[+-]?[0-9]{1,18}\s*$' THEN v::bigint END
$$;
-- +goose StatementEnd

-- kpi_link_statuses sets the neighbours of the status changes of convs.
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
CREATE FUNCTION kpi_audit_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER kpi_audit AFTER INSERT ON audit_events
    REFERENCING NEW TABLE AS kpi_new_events
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_audit_inserted();

-- kpi_messages_inserted is 00009's, also copying reopenings into
-- kpi_statuses and calls into kpi_calls.
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

-- +goose StatementBegin
CREATE FUNCTION kpi_reopens_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM kpi_statuses s USING kpi_gone_reopens g WHERE s.ord = 1 AND s.id = g.message_id;
    PERFORM kpi_link_statuses(ARRAY(SELECT DISTINCT g.conversation_id FROM kpi_gone_reopens g));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER kpi_reopens_gone AFTER DELETE ON kpi_reopens
    REFERENCING OLD TABLE AS kpi_gone_reopens
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_reopens_deleted();

-- The history stored before this migration.
INSERT INTO kpi_statuses (conversation_id, at, ord, id, actor_id, status)
SELECT e.subject_id, e.at, 0, e.id, e.actor_id, e.data->>'status'
FROM audit_events e
WHERE e.subject_type = 'conversation' AND e.action = 'conversation.status'
UNION ALL
SELECT r.conversation_id, r.at, 1, r.message_id, NULL, 'reopened' FROM kpi_reopens r;

INSERT INTO kpi_assignments (id, conversation_id, at, owner, by_sla)
SELECT e.id, e.subject_id, e.at,
    CASE WHEN e.action = 'conversation.assign' THEN NULLIF(kpi_id(e.data->>'assignee_id'), 0)
        ELSE kpi_id(e.data->>'to_user_id') END,
    e.action = 'conversation.sla_breach'
FROM audit_events e
WHERE e.subject_type = 'conversation' AND (e.action = 'conversation.assign'
    OR (e.action = 'conversation.sla_breach' AND e.data->>'to_user_id' IS NOT NULL));

INSERT INTO kpi_calls (message_id, conversation_id, sent_at, direction, answered)
SELECT m.id, m.conversation_id, m.sent_at, m.direction, COALESCE(m.call->>'disposition', '') = 'ANSWERED'
FROM messages m WHERE m.kind = 'call';

UPDATE kpi_statuses s SET has_prev = x.has_prev, prev_status = x.prev_status,
    next_status = x.next_status, next_at = x.next_at
FROM (SELECT ord, id, lag(true, 1, false) OVER w AS has_prev, lag(status) OVER w AS prev_status,
        lead(status) OVER w AS next_status, lead(at) OVER w AS next_at
    FROM kpi_statuses WINDOW w AS (PARTITION BY conversation_id ORDER BY at, ord, id)) x
WHERE s.ord = x.ord AND s.id = x.id;

UPDATE kpi_assignments a SET before = x.before
FROM (SELECT id, lag(owner) OVER w AS before
    FROM kpi_assignments WINDOW w AS (PARTITION BY conversation_id ORDER BY at, id)) x
WHERE a.id = x.id;

-- The reports no longer read these indexes of 00009 (kpi_calls,
-- kpi_statuses and kpi_assignments replace them); dropping them spares
-- the ingest their upkeep.
DROP INDEX messages_calls, audit_events_kpi;

-- Statistics now, so the first reports are planned on them.
ANALYZE kpi_statuses, kpi_assignments, kpi_calls;

-- +goose Down
CREATE INDEX audit_events_kpi ON audit_events (at)
    WHERE subject_type = 'conversation'
        AND action IN ('conversation.status', 'conversation.assign', 'conversation.sla_breach');
CREATE INDEX messages_calls ON messages (sent_at) WHERE kind = 'call';
DROP TRIGGER kpi_reopens_gone ON kpi_reopens;
DROP FUNCTION kpi_reopens_deleted();
DROP TRIGGER kpi_audit ON audit_events;
DROP FUNCTION kpi_audit_inserted();
DROP FUNCTION kpi_link_assignments(bigint[]), kpi_link_statuses(bigint[]);
DROP FUNCTION kpi_id(text);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION kpi_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
DROP TABLE kpi_calls, kpi_assignments, kpi_statuses;
