-- +goose Up
-- Lines the system writes for people (a fired reminder on the timeline
-- and in a notification) also keep what they say as a catalogue key and
-- its arguments, {"key": "reminder.callback", "args": {"name": "Reza"}}
-- (inbox.Text), so that each reader sees them in their own language. The
-- body keeps the English line, for API clients and rows written before.

ALTER TABLE messages ADD COLUMN i18n jsonb;
ALTER TABLE notifications ADD COLUMN i18n jsonb;

-- +goose Down
ALTER TABLE notifications DROP COLUMN i18n;
ALTER TABLE messages DROP COLUMN i18n;
