-- +goose Up
-- conversations.history: the conversation holds mail from before its
-- channel started syncing (an email channel's sync_since), imported for
-- the record. It is stored resolved, without an audited resolve, and its
-- inbound messages as auto-replies are (the KPI triggers of 00014 leave
-- them out of the requests' first messages and of the reopenings): it
-- starts no SLA clock, and the KPI report (package inbox/kpi) counts it
-- neither as a request nor in the backlog.
ALTER TABLE conversations ADD COLUMN history boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE conversations DROP COLUMN history;
