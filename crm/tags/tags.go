// Package tags manages the workspace's tags as a whole: the tags live on
// contacts and conversations (their tags arrays); this package lists them
// with how often each is used, renames, merges and deletes them in every
// row at once, and gives each a colour from a small palette.
package tags

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/audit"
)

// Palette is the colours a tag may have, each drawn as dark text on a
// light background of that hue (contrast above 4.5:1, see app.css).
// Default is the colour of a tag that was given none.
var Palette = []string{"gray", "red", "orange", "yellow", "green", "teal", "blue", "purple", "pink"}

// Default is the colour of a tag with none of its own.
const Default = "gray"

// Tag is one tag in use or with a colour.
type Tag struct {
	Name          string `json:"name"`
	Colour        string `json:"colour"`
	Contacts      int    `json:"contacts"`
	Conversations int    `json:"conversations"`
}

// Store manages tags in PostgreSQL.
type Store struct{ pool *pgxpool.Pool }

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// List returns every tag used by a contact or conversation, or given a
// colour, with the number of contacts and conversations that have it,
// by name.
func (s *Store) List(ctx context.Context) ([]Tag, error) {
	rows, _ := s.pool.Query(ctx, `WITH used AS (
			SELECT t AS name, 1 AS contacts, 0 AS conversations FROM contacts, unnest(tags) t WHERE merged_into IS NULL
			UNION ALL SELECT t, 0, 1 FROM conversations, unnest(tags) t
			UNION ALL SELECT name, 0, 0 FROM tags)
		SELECT u.name, coalesce(max(g.colour), $1) AS colour,
			sum(u.contacts)::int AS contacts, sum(u.conversations)::int AS conversations
		FROM used u LEFT JOIN tags g ON g.name = u.name
		GROUP BY u.name ORDER BY u.name`, Default)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Tag])
	if err != nil {
		return nil, fmt.Errorf("tags: list: %w", err)
	}
	return out, nil
}

// Colours returns the colour of every tag that has one other than the
// default, for drawing tags.
func (s *Store) Colours(ctx context.Context) (map[string]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT name, colour FROM tags`)
	out := map[string]string{}
	var name, colour string
	_, err := pgx.ForEachRow(rows, []any{&name, &colour}, func() error {
		out[name] = colour
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tags: colours: %w", err)
	}
	return out, nil
}

// name cleans a tag name as contacts' tags are cleaned (trimmed, lower
// case) or gives a field error for field.
func name(field, s string) (string, error) {
	c := crm.CleanTags([]string{s})
	if len(c) == 0 {
		return "", channels.Invalid(field, "error.required", "a tag name is required (at most 64 characters)")
	}
	return c[0], nil
}

// exists reports whether a contact, a conversation or the tags table has
// tag.
func exists(ctx context.Context, tx pgx.Tx, tag string) (bool, error) {
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM contacts WHERE $1 = ANY(tags))
		OR EXISTS (SELECT 1 FROM conversations WHERE $1 = ANY(tags))
		OR EXISTS (SELECT 1 FROM tags WHERE name = $1)`, tag).Scan(&ok)
	return ok, err
}

// Rename renames tag from to to in every contact and conversation, in
// one transaction. to must not be a tag already (merge them instead).
func (s *Store) Rename(ctx context.Context, actor int64, from, to string) error {
	return s.move(ctx, actor, "tag.rename", from, to)
}

// Merge puts tag from into tag into: every contact and conversation with
// from has into instead, once; from is gone. into must exist.
func (s *Store) Merge(ctx context.Context, actor int64, from, into string) error {
	return s.move(ctx, actor, "tag.merge", from, into)
}

// move renames or merges (action) from into to.
func (s *Store) move(ctx context.Context, actor int64, action, from, to string) error {
	field := "to"
	if action == "tag.merge" {
		field = "into"
	}
	from, errFrom := name("from", from)
	to, errTo := name(field, to)
	if err := errors.Join(errFrom, errTo); err != nil {
		return err
	}
	if from == to {
		return channels.Invalid(field, "tags.error.same", "the two tags are the same")
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		found, err := exists(ctx, tx, from)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("tag %q: %w", from, crm.ErrNotFound)
		}
		taken, err := exists(ctx, tx, to)
		switch {
		case err != nil:
			return err
		case action == "tag.rename" && taken:
			return channels.Invalid(field, "tags.error.taken", "a tag with this name exists: merge the two instead")
		case action == "tag.merge" && !taken:
			return channels.Invalid(field, "tags.error.unknown", "no tag has this name")
		}
		n, err := replace(ctx, tx, from, to)
		if err != nil {
			return err
		}
		// The colour: a rename keeps from's, a merge keeps into's.
		if action == "tag.rename" {
			_, err = tx.Exec(ctx, `UPDATE tags SET name = $2 WHERE name = $1`, from, to)
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM tags WHERE name = $1`, from)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: action, SubjectType: "tag",
			Data: map[string]any{"from": from, "to": to, "rows": n}})
	})
	if err != nil {
		return fmt.Errorf("tags: %s: %w", action, err)
	}
	return nil
}

// replace puts to in place of from (or removes from when to is "") in
// every contact's and conversation's tags, each once and sorted, and
// returns the number of rows changed.
func replace(ctx context.Context, tx pgx.Tx, from, to string) (int64, error) {
	var n int64
	for _, sql := range []string{
		`UPDATE contacts SET tags = ARRAY(SELECT DISTINCT x FROM unnest(array_replace(tags, $1, nullif($2, ''))) x
			WHERE x IS NOT NULL ORDER BY x), updated_at = now() WHERE $1 = ANY(tags)`,
		`UPDATE conversations SET tags = ARRAY(SELECT DISTINCT x FROM unnest(array_replace(tags, $1, nullif($2, ''))) x
			WHERE x IS NOT NULL ORDER BY x) WHERE $1 = ANY(tags)`,
	} {
		tag, err := tx.Exec(ctx, sql, from, to)
		if err != nil {
			return 0, err
		}
		n += tag.RowsAffected()
	}
	return n, nil
}

// Delete removes tag from every contact and conversation, and its colour.
func (s *Store) Delete(ctx context.Context, actor int64, tag string) error {
	tag, err := name("name", tag)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		found, err := exists(ctx, tx, tag)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("tag %q: %w", tag, crm.ErrNotFound)
		}
		n, err := replace(ctx, tx, tag, "")
		if err == nil {
			_, err = tx.Exec(ctx, `DELETE FROM tags WHERE name = $1`, tag)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "tag.delete", SubjectType: "tag",
			Data: map[string]any{"name": tag, "rows": n}})
	})
	if err != nil {
		return fmt.Errorf("tags: delete: %w", err)
	}
	return nil
}

// SetColour gives tag a colour of Palette. The tag need not be in use
// yet.
func (s *Store) SetColour(ctx context.Context, actor int64, tag, colour string) error {
	tag, err := name("name", tag)
	if err != nil {
		return err
	}
	if !slices.Contains(Palette, colour) {
		return channels.Invalid("colour", "tags.error.colour", fmt.Sprintf("one of %v", Palette))
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tags (name, colour) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET colour = excluded.colour`, tag, colour); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "tag.colour", SubjectType: "tag",
			Data: map[string]string{"name": tag, "colour": colour}})
	})
	if err != nil {
		return fmt.Errorf("tags: colour: %w", err)
	}
	return nil
}
