-- +goose Up
-- Timelines are ordered by when things happened (sent_at: the provider's
-- time of a message or call, now() for what agents write), ties broken by
-- id, so an imported backlog lands in its place. This index serves a
-- conversation's timeline and its keyset pages ((sent_at, id) < cursor)
-- and, one conversation after another, a contact's. The (conversation_id,
-- id) index stays: the inbox list's preview, recipients and deliveries
-- walk a conversation by id.
CREATE INDEX messages_timeline ON messages (conversation_id, sent_at, id);

-- +goose Down
DROP INDEX messages_timeline;
