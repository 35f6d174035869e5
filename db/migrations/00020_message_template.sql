-- +goose Up
-- template is the provider-approved template an outbound message sends
-- instead of free text (a WhatsApp message template outside the 24-hour
-- window): {"name", "language", "params"}; NULL for every other message.
ALTER TABLE messages ADD COLUMN template jsonb;

-- +goose Down
ALTER TABLE messages DROP COLUMN template;
