-- +goose Up
-- kpi_calls.called_back_at: for a missed call (inbound, not answered),
-- the first outgoing call to the same customer after it, on any line and
-- conversation (NULL: none yet). The year's report (package inbox/kpi)
-- counts the missed calls not called back within N hours from it in the
-- same scan that counts the calls, instead of an anti-join of the
-- period's missed calls with every outgoing call.
--
-- It is kept by triggers: a statement's new missed calls look up their
-- call back, and its new outgoing calls become the call back of their
-- customer's earlier missed calls that had none or a later one; when a
-- merge or unmerge moves a conversation's calls to another contact
-- (kpi_moved, 00014), the missed calls of both contacts are looked at
-- again. Calls are never updated or deleted otherwise.
--
-- The functions join through indexes only (nested loops): plpgsql keeps a
-- plan for the session, made for whatever size of statement came first,
-- and a hash join planned for a million-row import must not scan every
-- missed call for one webhook's call.

ALTER TABLE kpi_calls ADD COLUMN called_back_at timestamptz;
-- The missed calls by customer and time: the calls a new outgoing call
-- may call back.
CREATE INDEX kpi_calls_missed ON kpi_calls (contact_id, sent_at) WHERE direction = 'in' AND NOT answered;

-- +goose StatementBegin
CREATE FUNCTION kpi_calls_inserted() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
    UPDATE kpi_calls m SET called_back_at = (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
        AND o.contact_id = m.contact_id AND o.sent_at > m.sent_at ORDER BY o.sent_at LIMIT 1)
    FROM kpi_new_calls n
    WHERE m.message_id = n.message_id AND n.direction = 'in' AND NOT n.answered AND n.contact_id IS NOT NULL;

    UPDATE kpi_calls m SET called_back_at = (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
        AND o.contact_id = m.contact_id AND o.sent_at > m.sent_at ORDER BY o.sent_at LIMIT 1)
    FROM (SELECT contact_id, min(sent_at) AS first, max(sent_at) AS last FROM kpi_new_calls
        WHERE direction = 'out' AND contact_id IS NOT NULL GROUP BY contact_id) x
    WHERE m.contact_id = x.contact_id AND m.direction = 'in' AND NOT m.answered AND m.sent_at < x.last
        AND (m.called_back_at IS NULL OR m.called_back_at > x.first);
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
CREATE OR REPLACE FUNCTION kpi_conversation_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kpi_calls k SET contact_id = NEW.contact_id
    FROM messages m WHERE m.conversation_id = NEW.id AND m.kind = 'call' AND k.message_id = m.id;
    UPDATE kpi_calls m SET called_back_at = (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
        AND o.contact_id = m.contact_id AND o.sent_at > m.sent_at ORDER BY o.sent_at LIMIT 1)
    WHERE m.contact_id IN (OLD.contact_id, NEW.contact_id) AND m.direction = 'in' AND NOT m.answered
        AND m.called_back_at IS DISTINCT FROM (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
        AND o.contact_id = m.contact_id AND o.sent_at > m.sent_at ORDER BY o.sent_at LIMIT 1);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

UPDATE kpi_calls m SET called_back_at = (SELECT o.sent_at FROM kpi_calls o WHERE o.direction = 'out'
        AND o.contact_id = m.contact_id AND o.sent_at > m.sent_at ORDER BY o.sent_at LIMIT 1)
WHERE m.direction = 'in' AND NOT m.answered AND m.contact_id IS NOT NULL;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION kpi_conversation_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kpi_calls k SET contact_id = NEW.contact_id
    FROM messages m WHERE m.conversation_id = NEW.id AND m.kind = 'call' AND k.message_id = m.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP TRIGGER kpi_calls_back ON kpi_calls;
DROP FUNCTION kpi_calls_inserted();
DROP INDEX kpi_calls_missed;
ALTER TABLE kpi_calls DROP COLUMN called_back_at;
