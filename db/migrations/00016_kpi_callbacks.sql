-- +goose Up
-- kpi_calls.called_back_at: for a missed call (inbound, not answered),
-- the first outgoing call to the same customer after it, on any line and
-- conversation (NULL: none yet). The year's report (package inbox/kpi)
-- counts the missed calls not called back within N hours from it in the
-- same scan that counts the calls, instead of an anti-join of the
-- period's missed calls with every outgoing call.
--
-- Triggers keep it: a statement trigger on kpi_calls gives the new
-- missed calls their call back, when one is stored already (an import out
-- of order, or the statement's own outgoing calls), and makes the new
-- outgoing calls the call back of their customer's missed calls before
-- them that had none or a later one; when a merge or unmerge moves a
-- conversation's calls to another contact (kpi_moved, 00014) the missed
-- calls of both contacts are looked at again. Calls are never updated or
-- deleted otherwise.
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

-- kpi_calls_inserted gives a statement's new missed calls the first
-- outgoing call to their customer after them, where one is stored, and
-- makes its new outgoing calls the call back of their customer's missed
-- calls before them (the statement's own included) that had none or a
-- later one, updating only the calls whose call back changes. It looks at
-- the missed calls since the customer's outgoing call before the
-- statement's first: the earlier ones were called back by then. A call
-- arriving in time order has no call back yet, so an import updates few
-- of its own calls.
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
DROP FUNCTION kpi_calls_inserted();
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
