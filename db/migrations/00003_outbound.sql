-- +goose Up
-- Outbound delivery and message updates: when a status last changed, edits
-- by the customer, and whose identity a message is.
ALTER TABLE messages
    ADD COLUMN status_at timestamptz,
    ADD COLUMN edited_at timestamptz,
    -- identity is the customer's identity on the message, as kind:value
    -- ("phone:+98912…", "email:sara@example.com"): the sender of an
    -- inbound message, the recipient of an outbound one.
    ADD COLUMN identity text NOT NULL DEFAULT '';
CREATE INDEX messages_queued ON messages (status, id) WHERE status = 'queued';

-- +goose Down
DROP INDEX messages_queued;
ALTER TABLE messages DROP COLUMN status_at, DROP COLUMN edited_at, DROP COLUMN identity;
