package tags_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/crm/tags"
	"github.com/peykhq/peyk/db/dbtest"
)

// fixture makes three contacts and a conversation of each, tagged.
func fixture(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	for i, ts := range [][]string{{"vip", "refund"}, {"refund", "wholesale"}, {"vip"}} {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO contacts (name, tags) VALUES ($1, $2) RETURNING id`,
			fmt.Sprint("c", i), ts).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO conversations (contact_id, reply_token, tags) VALUES ($1, $2, $3)`,
			id, fmt.Sprint("tok", i), ts); err != nil {
			t.Fatal(err)
		}
	}
}

// tagsOf returns every contact's and conversation's tags.
func tagsOf(t *testing.T, pool *pgxpool.Pool) [][]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT tags FROM (SELECT id, tags, 1 AS o FROM contacts
		UNION ALL SELECT id, tags, 2 FROM conversations) x ORDER BY o, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		var ts []string
		if err := rows.Scan(&ts); err != nil {
			t.Fatal(err)
		}
		out = append(out, ts)
	}
	return out
}

func counts(t *testing.T, s *tags.Store) map[string][2]int {
	t.Helper()
	list, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]int{}
	for _, g := range list {
		out[g.Name] = [2]int{g.Contacts, g.Conversations}
	}
	return out
}

func TestTags(t *testing.T) {
	ctx := context.Background()
	three := func(a, b, c []string) [][]string { return [][]string{a, b, c, a, b, c} }
	cases := []struct {
		name   string
		do     func(s *tags.Store) error
		field  string // the field at fault, "" when it succeeds
		want   [][]string
		counts map[string][2]int
	}{
		{"rename", func(s *tags.Store) error { return s.Rename(ctx, 0, "vip", " Gold ") }, "",
			three([]string{"gold", "refund"}, []string{"refund", "wholesale"}, []string{"gold"}),
			map[string][2]int{"gold": {2, 2}, "refund": {2, 2}, "wholesale": {1, 1}}},
		{"rename onto an existing tag", func(s *tags.Store) error { return s.Rename(ctx, 0, "vip", "refund") }, "to", nil, nil},
		{"merge without duplicates", func(s *tags.Store) error { return s.Merge(ctx, 0, "vip", "refund") }, "",
			three([]string{"refund"}, []string{"refund", "wholesale"}, []string{"refund"}),
			map[string][2]int{"refund": {3, 3}, "wholesale": {1, 1}}},
		{"merge into a missing tag", func(s *tags.Store) error { return s.Merge(ctx, 0, "vip", "nothing") }, "into", nil, nil},
		{"merge into itself", func(s *tags.Store) error { return s.Merge(ctx, 0, "vip", "VIP") }, "into", nil, nil},
		{"delete", func(s *tags.Store) error { return s.Delete(ctx, 0, "refund") }, "",
			three([]string{"vip"}, []string{"wholesale"}, []string{"vip"}),
			map[string][2]int{"vip": {2, 2}, "wholesale": {1, 1}}},
		{"empty name", func(s *tags.Store) error { return s.Rename(ctx, 0, "vip", "  ") }, "to", nil, nil},
		{"bad colour", func(s *tags.Store) error { return s.SetColour(ctx, 0, "vip", "#ff0000") }, "colour", nil, nil},
	}
	before := three([]string{"vip", "refund"}, []string{"refund", "wholesale"}, []string{"vip"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pool := dbtest.New(t)
			fixture(t, pool)
			s := tags.NewStore(pool)
			var events int
			_ = pool.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&events)
			err := c.do(s)
			var after int
			_ = pool.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&after)
			if c.field != "" {
				fe := channels.FieldErrors(err)
				if len(fe) == 0 || fe[0].Field != c.field {
					t.Fatalf("error %v, want one on %s", err, c.field)
				}
				if got := tagsOf(t, pool); !slices.EqualFunc(got, before, slices.Equal) || after != events {
					t.Errorf("changed on error: %v, %d events", got, after-events)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := tagsOf(t, pool); !slices.EqualFunc(got, c.want, slices.Equal) {
				t.Errorf("tags %v, want %v", got, c.want)
			}
			if got := counts(t, s); fmt.Sprint(got) != fmt.Sprint(c.counts) {
				t.Errorf("counts %v, want %v", got, c.counts)
			}
			if after != events+1 {
				t.Errorf("%d audit events, want 1", after-events)
			}
		})
	}
}

func TestColourFollowsRename(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	fixture(t, pool)
	s := tags.NewStore(pool)
	if err := s.SetColour(ctx, 0, "vip", "purple"); err != nil {
		t.Fatal(err)
	}
	if err := s.Rename(ctx, 0, "vip", "gold"); err != nil {
		t.Fatal(err)
	}
	colours, err := s.Colours(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if colours["gold"] != "purple" || colours["vip"] != "" {
		t.Errorf("colours %v, want gold purple", colours)
	}
	if err := s.Delete(ctx, 0, "nothing"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("deleting a missing tag: %v", err)
	}
}
