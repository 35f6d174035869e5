-- +goose Up
-- templates holds the message templates administrators edit: a row
-- overrides the embedded default with the same (name, locale, kind), or is
-- a template of its own when no default has that name.

CREATE TABLE templates (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    locale     text NOT NULL CHECK (locale IN ('fa', 'en')),
    kind       text NOT NULL CHECK (kind IN ('text', 'email')),
    -- subject and html are used by email templates only.
    subject    text NOT NULL DEFAULT '',
    body       text NOT NULL,
    html       text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users ON DELETE SET NULL,
    UNIQUE (name, locale, kind)
);

-- +goose Down
DROP TABLE templates;
