-- +goose Up
-- Routing: a channel's team is the team its new conversations start in
-- (inbox ingest and scheduled messages set conversations.team_id from it).
ALTER TABLE channels ADD COLUMN team_id bigint REFERENCES teams ON DELETE SET NULL;

-- SLA policies per team, per channel or global (neither), with a next
-- response target (a customer who writes again after an answer), the
-- official Iranian holidays, a pause while pending or snoozed, and what a
-- breach does (notify, reassign).
ALTER TABLE sla_policies
    ADD COLUMN channel_id bigint UNIQUE REFERENCES channels ON DELETE CASCADE,
    ADD COLUMN next_response_minutes integer CHECK (next_response_minutes > 0),
    ADD COLUMN official_holidays boolean NOT NULL DEFAULT false,
    ADD COLUMN pause_on_hold boolean NOT NULL DEFAULT true,
    ADD COLUMN notify boolean NOT NULL DEFAULT true,
    ADD COLUMN reassign boolean NOT NULL DEFAULT true,
    ADD CONSTRAINT sla_policies_one_scope CHECK (team_id IS NULL OR channel_id IS NULL);
DROP INDEX sla_policies_global;
CREATE UNIQUE INDEX sla_policies_global ON sla_policies ((true)) WHERE team_id IS NULL AND channel_id IS NULL;

-- kind: which target a breach missed.
ALTER TABLE sla_breaches ADD COLUMN kind text NOT NULL DEFAULT 'first' CHECK (kind IN ('first', 'next'));
-- Breaches outlive their policy: deleting a policy (or the team or
-- channel it is for) keeps the history the reports count.
ALTER TABLE sla_breaches ALTER COLUMN policy_id DROP NOT NULL,
    DROP CONSTRAINT sla_breaches_policy_id_fkey,
    ADD CONSTRAINT sla_breaches_policy_id_fkey FOREIGN KEY (policy_id) REFERENCES sla_policies ON DELETE SET NULL;

-- sla_pauses: the spans a waiting conversation spent pending or snoozed;
-- a policy that pauses on hold does not count them. The trigger keeps it,
-- whoever changes the status (agents, ingest, snooze wake-ups).
CREATE TABLE sla_pauses (
    conversation_id bigint NOT NULL REFERENCES conversations ON DELETE CASCADE,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    PRIMARY KEY (conversation_id, started_at)
);

-- +goose StatementBegin
CREATE FUNCTION sla_pause() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IN ('pending', 'snoozed') AND OLD.status NOT IN ('pending', 'snoozed') THEN
        IF NEW.waiting_since IS NOT NULL THEN
            INSERT INTO sla_pauses (conversation_id, started_at) VALUES (NEW.id, now()) ON CONFLICT DO NOTHING;
        END IF;
    ELSIF OLD.status IN ('pending', 'snoozed') AND NEW.status NOT IN ('pending', 'snoozed') THEN
        UPDATE sla_pauses SET ended_at = now() WHERE conversation_id = NEW.id AND ended_at IS NULL;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER conversations_sla_pause AFTER UPDATE OF status ON conversations
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION sla_pause();

-- The conversations an SLA check looks at: a customer waiting (for a
-- first or a next response) on a conversation not resolved.
CREATE INDEX conversations_waiting ON conversations (waiting_since)
    WHERE waiting_since IS NOT NULL AND status <> 'resolved';

-- A team's conversations: counted on the teams page, moved when a team
-- is deleted.
CREATE INDEX conversations_team ON conversations (team_id) WHERE team_id IS NOT NULL;

-- +goose Down
DROP INDEX conversations_team;
DROP INDEX conversations_waiting;
DROP TRIGGER conversations_sla_pause ON conversations;
DROP FUNCTION sla_pause();
DROP TABLE sla_pauses;
ALTER TABLE sla_breaches DROP COLUMN kind;
DELETE FROM sla_breaches WHERE policy_id IS NULL;
ALTER TABLE sla_breaches DROP CONSTRAINT sla_breaches_policy_id_fkey,
    ADD CONSTRAINT sla_breaches_policy_id_fkey FOREIGN KEY (policy_id) REFERENCES sla_policies ON DELETE CASCADE,
    ALTER COLUMN policy_id SET NOT NULL;
DROP INDEX sla_policies_global;
DELETE FROM sla_policies WHERE channel_id IS NOT NULL;
ALTER TABLE sla_policies DROP CONSTRAINT sla_policies_one_scope,
    DROP COLUMN channel_id, DROP COLUMN next_response_minutes, DROP COLUMN official_holidays,
    DROP COLUMN pause_on_hold, DROP COLUMN notify, DROP COLUMN reassign;
CREATE UNIQUE INDEX sla_policies_global ON sla_policies ((team_id IS NULL)) WHERE team_id IS NULL;
ALTER TABLE channels DROP COLUMN team_id;
