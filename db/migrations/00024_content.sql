-- +goose Up
-- canned_responses are the ready answers agents insert into replies: a
-- human title, the text in Persian and in English (either may be empty,
-- not both) and an optional shortcut. tags gives a tag its colour; the
-- tags themselves stay in contacts.tags and conversations.tags, and a tag
-- with no row here has the default colour.

CREATE TABLE canned_responses (
    id         bigserial PRIMARY KEY,
    title      text NOT NULL CHECK (title <> ''),
    body_fa    text NOT NULL DEFAULT '',
    body_en    text NOT NULL DEFAULT '',
    shortcut   text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES users ON DELETE SET NULL,
    CHECK (body_fa <> '' OR body_en <> '')
);

CREATE TABLE tags (
    name   text PRIMARY KEY,
    colour text NOT NULL
);

-- +goose Down
DROP TABLE tags;
DROP TABLE canned_responses;
