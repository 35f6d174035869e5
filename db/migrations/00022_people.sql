-- +goose Up
-- The admins' audit log lists events newest first, settings and people
-- (everything but the high-volume conversation events) by default: an
-- index for that keyset walk. API tokens are listed per user.

CREATE INDEX audit_events_log ON audit_events (at DESC, id DESC)
    WHERE subject_type <> 'conversation';
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- +goose Down
DROP INDEX api_tokens_user, audit_events_log;
