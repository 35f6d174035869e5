-- +goose Up
-- settings holds the workspace settings an administrator changes at run
-- time (from the CLI, and later the browser), one row per key; a key with
-- no row takes its default from the server's configuration. The first is
-- team_visibility ('on' or 'off'): whether agents see only the
-- conversations of their own teams (package inbox, visibility.go).

CREATE TABLE settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users ON DELETE SET NULL
);

-- +goose Down
DROP TABLE settings;
