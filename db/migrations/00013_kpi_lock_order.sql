-- +goose Up
-- The KPI triggers (00009, 00012) write rows of their own per conversation
-- (kpi_conversations, kpi_statuses, kpi_assignments). An ingest inserts
-- its messages before it updates their conversations, while a reply or an
-- agent action locks the conversation first: without a common order the
-- two deadlock on the conversation row and the KPI row. These triggers
-- fire before the KPI ones (triggers run in name order) and lock the
-- statement's conversations first, in id order, so that whoever touches a
-- conversation's KPI rows already holds the conversation.

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

CREATE TRIGGER kpi_0_lock AFTER INSERT ON messages
    REFERENCING NEW TABLE AS kpi_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_lock_message_conversations();

CREATE TRIGGER kpi_0_lock AFTER INSERT ON audit_events
    REFERENCING NEW TABLE AS kpi_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kpi_lock_event_conversations();

-- kpi_id (00012) matched \s, which in a UTF-8 database also matches
-- Unicode spaces that the bigint cast rejects; only ASCII white space is
-- trimmed now, so the function never raises.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION kpi_id(v text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN btrim(v, E' \t\n\r') ~ '^[+-]?[0-9]{1,18}$' THEN btrim(v, E' \t\n\r')::bigint END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION kpi_id(v text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v ~ '^\s*[+-]?[0-9]{1,18}\s*$' THEN v::bigint END
$$;
-- +goose StatementEnd
DROP TRIGGER kpi_0_lock ON audit_events;
DROP TRIGGER kpi_0_lock ON messages;
DROP FUNCTION kpi_lock_event_conversations();
DROP FUNCTION kpi_lock_message_conversations();
