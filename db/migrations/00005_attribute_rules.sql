-- +goose Up
-- Date-driven messages: a contact attribute holding a date (warranty_end)
-- triggers a message days_before it, at at_time in zone.
CREATE TABLE attribute_rules (
    id          bigserial PRIMARY KEY,
    attribute   text NOT NULL,
    days_before integer NOT NULL DEFAULT 0,
    at_time     text NOT NULL DEFAULT '10:00',
    zone        text NOT NULL DEFAULT 'Asia/Tehran',
    channel_id  bigint NOT NULL REFERENCES channels ON DELETE CASCADE,
    template    text NOT NULL DEFAULT '',
    text        text NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE attribute_rules;
