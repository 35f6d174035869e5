-- +goose Up
-- Schedules: every reminder, scheduled message, follow-up, snooze wake-up
-- and SLA check, with its due time and state. PostgreSQL holds the truth;
-- asynq delivers it at the due time and a reconciler re-enqueues what
-- Redis lost. A schedule fires once: the worker that moves it from pending
-- to done wins.
CREATE TABLE schedules (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('reminder', 'message', 'followup', 'wake', 'attribute')),
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'done', 'cancelled', 'failed')),
    due_at          timestamptz NOT NULL,
    conversation_id bigint REFERENCES conversations ON DELETE CASCADE,
    contact_id      bigint REFERENCES contacts ON DELETE CASCADE,
    -- user_id is the agent a reminder is for.
    user_id         bigint REFERENCES users,
    -- payload: text, template, channel, follow-up step… by kind.
    payload         jsonb NOT NULL DEFAULT '{}',
    -- dedupe makes generated schedules (attribute reminders) unique.
    dedupe          text UNIQUE,
    created_by      bigint REFERENCES users,
    created_at      timestamptz NOT NULL DEFAULT now(),
    fired_at        timestamptz,
    error           text NOT NULL DEFAULT ''
);
CREATE INDEX schedules_due ON schedules (due_at) WHERE state = 'pending';
CREATE INDEX schedules_conversation ON schedules (conversation_id, kind) WHERE state = 'pending';

-- Notifications for agents: fired reminders, SLA breaches.
CREATE TABLE notifications (
    id              bigserial PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    conversation_id bigint REFERENCES conversations ON DELETE CASCADE,
    kind            text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);

-- SLA policies: first response within N minutes, globally (team_id NULL)
-- or per team, optionally counted in business hours.
CREATE TABLE sla_policies (
    id                     bigserial PRIMARY KEY,
    name                   text NOT NULL,
    team_id                bigint UNIQUE REFERENCES teams ON DELETE CASCADE,
    first_response_minutes integer NOT NULL CHECK (first_response_minutes > 0),
    business_hours         boolean NOT NULL DEFAULT false,
    -- calendar: {"zone": "Asia/Tehran", "week": {"sat": [["08:00","16:00"]], …},
    -- "holidays": ["2026-03-21", …]}
    calendar               jsonb NOT NULL DEFAULT '{}',
    -- last_assigned_user_id is where the round-robin of reassignments
    -- stopped.
    last_assigned_user_id  bigint REFERENCES users,
    created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sla_policies_global ON sla_policies ((team_id IS NULL)) WHERE team_id IS NULL;

CREATE TABLE sla_breaches (
    id              bigserial PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations ON DELETE CASCADE,
    policy_id       bigint NOT NULL REFERENCES sla_policies ON DELETE CASCADE,
    -- waiting_since identifies the wait that was breached: one breach per wait.
    waiting_since   timestamptz NOT NULL,
    due_at          timestamptz NOT NULL,
    breached_at     timestamptz NOT NULL DEFAULT now(),
    from_user_id    bigint REFERENCES users,
    to_user_id      bigint REFERENCES users,
    UNIQUE (conversation_id, waiting_since)
);

-- available: an agent at work (not on leave): only available agents get
-- reassigned conversations.
ALTER TABLE users ADD COLUMN available boolean NOT NULL DEFAULT true;
-- The conversations an SLA check looks at: open, never answered.
CREATE INDEX conversations_unanswered ON conversations (waiting_since)
    WHERE status = 'open' AND first_response_at IS NULL;

-- +goose Down
DROP INDEX conversations_unanswered;
ALTER TABLE users DROP COLUMN available;
DROP TABLE sla_breaches, sla_policies, notifications, schedules;
