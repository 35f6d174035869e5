-- +goose Up
-- Every resolve is now audited: the follow-up that runs out of nudges and
-- the auto-reply whose conversation starts resolved write a
-- conversation.status event with no actor (the system), as an agent's
-- resolve does. The year's report (package inbox/kpi) then reads the
-- backlog from kpi_statuses alone, instead of scanning every resolved
-- conversation for a resolve no event recorded.
--
-- The resolves stored before are recorded here, at their resolved_at:
-- each resolved conversation whose last recorded change is not a resolve.
-- The events say so ("backfill": "00015"); the audit trigger of 00012
-- adds them to kpi_statuses.
INSERT INTO audit_events (at, action, subject_type, subject_id, data)
SELECT c.resolved_at, 'conversation.status', 'conversation', c.id,
    '{"status": "resolved", "until": null, "backfill": "00015"}'
FROM conversations c
WHERE c.status = 'resolved' AND c.resolved_at IS NOT NULL
    AND NOT EXISTS (SELECT FROM kpi_statuses s
        WHERE s.conversation_id = c.id AND s.next_at IS NULL AND s.status = 'resolved')
ORDER BY c.id;

-- +goose Down
DELETE FROM kpi_statuses s USING audit_events e
WHERE s.ord = 0 AND s.id = e.id AND e.action = 'conversation.status' AND e.data->>'backfill' = '00015';
SELECT kpi_link_statuses(ARRAY(SELECT DISTINCT subject_id FROM audit_events
    WHERE action = 'conversation.status' AND data->>'backfill' = '00015'));
DELETE FROM audit_events WHERE action = 'conversation.status' AND data->>'backfill' = '00015';
