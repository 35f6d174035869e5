-- +goose Up
-- Indexes for the inbox list, its filters and its text search.

-- peyk_fold is crm.Fold in SQL, for the subjects the inbox searches:
-- Arabic letters to Persian, Persian and Arabic-Indic digits to ASCII,
-- tatweel, diacritics and invisible format characters dropped, lower case,
-- runs of white space collapsed.
-- +goose StatementBegin
CREATE FUNCTION peyk_fold(s text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(translate(lower(s),
    -- Arabic letter forms, Persian and Arabic-Indic digits:
    U&'\064A\0649\0626\0643\0629\06C0\06D5\0623\0625\0671\0622\0624\06F0\06F1\06F2\06F3\06F4\06F5\06F6\06F7\06F8\06F9\0660\0661\0662\0663\0664\0665\0666\0667\0668\0669'
    -- then tatweel, diacritics and format characters (dropped):
        || U&'\0640\0670\064B\064C\064D\064E\064F\0650\0651\0652\0653\0654\0655\0656\0657\0658\0659\065A\065B\065C\065D\065E\065F\00AD\200B\200C\200D\200E\200F\202A\202B\202C\202D\202E\2066\2067\2068\2069\FEFF',
    U&'\06CC\06CC\06CC\06A9\0647\0647\0647\0627\0627\0627\0627\064801234567890123456789'), '\s+', ' ', 'g'));
-- +goose StatementEnd

-- The inbox searches subjects by folded substring. Only conversations with
-- a subject (e-mail) enter the index: every non-HOT update of a
-- conversation (each new message) adds an entry to each index it is in.
CREATE INDEX conversations_subject_fold ON conversations
    USING gin (peyk_fold(subject) public.gin_trgm_ops) WHERE subject <> '';

-- "Mine" and "unassigned" pages come in last-message order straight from
-- the index. It replaces the (assignee_id, status) index: ingest updates
-- of conversations are not HOT anyway (last_message_at is indexed), so the
-- wider key costs no extra index writes; unassigned rows now enter it too.
DROP INDEX conversations_assignee;
CREATE INDEX conversations_assignee_last ON conversations
    (assignee_id, status, last_message_at DESC, id DESC);

-- +goose Down
DROP INDEX conversations_assignee_last;
CREATE INDEX conversations_assignee ON conversations (assignee_id, status) WHERE assignee_id IS NOT NULL;
DROP INDEX conversations_subject_fold;
DROP FUNCTION peyk_fold(text);
