-- +goose Up
-- Timelines are ordered by when things happened (sent_at: the provider's
-- time of a message or call, now() for what agents write), ties broken by
-- id, so an imported backlog lands in its place. This index serves a
-- conversation's timeline and its keyset pages ((sent_at, id) < cursor),
-- one conversation after another a contact's, and the inbox list's
-- preview (the latest message in time). The (conversation_id, id) index
-- stays for what walks a conversation by id: a reply's recipient, a
-- delivery's message to answer.
CREATE INDEX messages_timeline ON messages (conversation_id, sent_at, id);

-- +goose Down
DROP INDEX messages_timeline;
