-- +goose Up
-- KPIs from facts, the review of issue 18.
--
-- The roller replayed a conversation's facts in the order of their
-- writing transactions' ids, which is not the order they took effect: an
-- ingest inserts its message (its transaction id is given then) and
-- updates the conversation afterwards, so an agent's resolve that takes
-- the conversation's lock in between, with a higher id, commits first
-- and is then undone by the ingest's update, while the replay put the
-- message before the resolve (no reopening; kpi_statuses ended on
-- resolved, the conversation open). The ingest (Ingest and IngestBulk)
-- now records each reopening itself as a conversation.reopen event, from
-- the status it finds under the conversation's lock, and marks the
-- messages it stores reopen_audited: the roller infers reopenings only
-- from the customer messages without the mark (those stored between
-- migration 00025 and this one, and those of writers other than the
-- ingest), and orders the transactions of one conversation by their last
-- audit event's id (a sequence value taken under that lock).
ALTER TABLE messages ADD COLUMN reopen_audited boolean NOT NULL DEFAULT false;

-- kpi_dirty lists the conversations whose KPI rows changed without a
-- fact (deleting a channel or a team takes it off its conversations,
-- which kpi_daily counts by): the next roll recomputes them and deletes
-- the rows it read.
CREATE TABLE kpi_dirty (
    conversation_id bigint NOT NULL
);

-- +goose Down
DROP TABLE kpi_dirty;
ALTER TABLE messages DROP COLUMN reopen_audited;
