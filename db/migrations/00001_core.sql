-- +goose Up
-- The inbox core: users, contacts and their identities, channels,
-- conversations, messages, attachments, API tokens and audit events.

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'agent')),
    password_hash text NOT NULL DEFAULT '',
    locale        text NOT NULL DEFAULT 'fa',
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    name         text NOT NULL DEFAULT '',
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at   timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE teams (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE team_members (
    team_id bigint NOT NULL REFERENCES teams ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE contacts (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL DEFAULT '',
    -- name_fold is crm.Fold(name): the search key.
    name_fold   text NOT NULL DEFAULT '',
    locale      text NOT NULL DEFAULT '',
    tags        text[] NOT NULL DEFAULT '{}',
    attributes  jsonb NOT NULL DEFAULT '{}',
    merged_into bigint REFERENCES contacts,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_name_fold_trgm ON contacts USING gin (name_fold public.gin_trgm_ops);
CREATE INDEX contacts_tags ON contacts USING gin (tags);

CREATE TABLE contact_identities (
    id         bigserial PRIMARY KEY,
    contact_id bigint NOT NULL REFERENCES contacts ON DELETE CASCADE,
    kind       text NOT NULL,
    value      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, value)
);
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);
CREATE INDEX contact_identities_value_trgm ON contact_identities USING gin (value public.gin_trgm_ops);

-- contact_merges keeps what a merge moved so it can be undone.
CREATE TABLE contact_merges (
    id            bigserial PRIMARY KEY,
    target_id     bigint NOT NULL REFERENCES contacts,
    source_id     bigint NOT NULL REFERENCES contacts,
    identity_ids  bigint[] NOT NULL,
    conversation_ids bigint[] NOT NULL,
    target_before jsonb NOT NULL,
    source_before jsonb NOT NULL,
    actor_id      bigint REFERENCES users,
    created_at    timestamptz NOT NULL DEFAULT now(),
    undone_at     timestamptz
);

CREATE TABLE channels (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL,
    name       text NOT NULL,
    config     jsonb NOT NULL DEFAULT '{}',
    -- secrets holds the channel's passwords and tokens, encrypted with
    -- PEYK_SECRET_KEY.
    secrets    bytea,
    enabled    boolean NOT NULL DEFAULT true,
    -- cursor is where the channel's receiver resumes (IMAP UIDVALIDITY/UID,
    -- Telegram update offset); it moves in the ingest transaction.
    cursor     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE conversation_ref_seq START 1001;

CREATE TABLE conversations (
    id                bigserial PRIMARY KEY,
    ref               bigint NOT NULL UNIQUE DEFAULT nextval('conversation_ref_seq'),
    contact_id        bigint NOT NULL REFERENCES contacts,
    channel_id        bigint REFERENCES channels,
    status            text NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
    assignee_id       bigint REFERENCES users,
    team_id           bigint REFERENCES teams,
    priority          text NOT NULL DEFAULT 'none'
                      CHECK (priority IN ('none', 'low', 'medium', 'high', 'urgent')),
    subject           text NOT NULL DEFAULT '',
    reply_token       text NOT NULL UNIQUE,
    tags              text[] NOT NULL DEFAULT '{}',
    unread            integer NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    last_message_at   timestamptz NOT NULL DEFAULT now(),
    last_inbound_at   timestamptz,
    first_response_at timestamptz,
    waiting_since     timestamptz,
    snoozed_until     timestamptz,
    resolved_at       timestamptz
);
CREATE INDEX conversations_contact_channel ON conversations (contact_id, channel_id, id DESC);
CREATE INDEX conversations_status_last ON conversations (status, last_message_at DESC, id DESC);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status) WHERE assignee_id IS NOT NULL;
CREATE INDEX conversations_tags ON conversations USING gin (tags);

CREATE TABLE messages (
    id              bigserial PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations,
    channel_id      bigint REFERENCES channels,
    -- external_id is the provider's id; (channel_id, external_id) makes
    -- ingest idempotent.
    external_id     text,
    direction       text NOT NULL CHECK (direction IN ('in', 'out')),
    kind            text NOT NULL CHECK (kind IN ('text', 'email', 'call', 'note', 'event')),
    author_id       bigint REFERENCES users,
    body            text NOT NULL DEFAULT '',
    html            text NOT NULL DEFAULT '',
    subject         text NOT NULL DEFAULT '',
    message_id      text,
    in_reply_to     text,
    refs            text[] NOT NULL DEFAULT '{}',
    headers         jsonb,
    call            jsonb,
    status          text NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    error           text NOT NULL DEFAULT '',
    truncated       boolean NOT NULL DEFAULT false,
    auto_reply      boolean NOT NULL DEFAULT false,
    sent_at         timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel_id, external_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_message_id ON messages (message_id) WHERE message_id IS NOT NULL;

-- attachments are stored once per content (sha256).
CREATE TABLE attachments (
    sha256       bytea PRIMARY KEY,
    size         bigint NOT NULL,
    content_type text NOT NULL,
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE message_attachments (
    message_id   bigint NOT NULL REFERENCES messages ON DELETE CASCADE,
    position     integer NOT NULL,
    sha256       bytea REFERENCES attachments,
    name         text NOT NULL DEFAULT '',
    content_type text NOT NULL DEFAULT '',
    content_id   text NOT NULL DEFAULT '',
    url          text NOT NULL DEFAULT '',
    size         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (message_id, position)
);

CREATE TABLE audit_events (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_id     bigint REFERENCES users,
    action       text NOT NULL,
    subject_type text NOT NULL,
    subject_id   bigint NOT NULL,
    data         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id, id);

-- +goose Down
DROP TABLE audit_events, message_attachments, attachments, messages,
    conversations, channels, contact_merges, contact_identities, contacts,
    team_members, teams, api_tokens, users;
DROP SEQUENCE conversation_ref_seq;
