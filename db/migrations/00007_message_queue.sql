-- +goose Up
-- The asynq queue an outbound message is delivered on (live, default or
-- bulk): every enqueue of its delivery uses it, as task ids are unique only
-- within a queue.
ALTER TABLE messages ADD COLUMN queue text NOT NULL DEFAULT 'live';

-- +goose Down
ALTER TABLE messages DROP COLUMN queue;
