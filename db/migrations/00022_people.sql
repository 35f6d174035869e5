-- +goose Up
-- The admins' audit log lists events newest first, settings and people
-- (everything but the high-volume conversation events) by default: an
-- index for that keyset walk. API tokens are listed per user, and the
-- people page says when each user was last seen.

CREATE INDEX audit_events_log ON audit_events (at DESC, id DESC)
    WHERE subject_type <> 'conversation';
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- When a browser of the user was last seen (sessions end; this stays).
ALTER TABLE users ADD COLUMN last_seen_at timestamptz;
UPDATE users u SET last_seen_at = (SELECT max(last_seen_at) FROM sessions WHERE user_id = u.id);

-- +goose Down
ALTER TABLE users DROP COLUMN last_seen_at;
DROP INDEX api_tokens_user, audit_events_log;
