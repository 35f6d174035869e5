package kpi_test

import (
	"context"
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestHistoryNeighbours checks that the roller keeps each status and
// agent change's neighbours right however the facts arrive: out of
// order, several conversations in one statement, a reopening recorded by
// migration 00025, an id that is not a number; and that a rebuild gives
// the same rows.
func TestHistoryNeighbours(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	base := time.Date(2026, 3, 18, 8, 0, 0, 0, time.UTC)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	status := `INSERT INTO audit_events (at, action, subject_type, subject_id, data)
		SELECT $1::timestamptz + make_interval(mins => m), 'conversation.status', 'conversation', c,
			jsonb_build_object('status', s)
		FROM unnest($2::int[], $3::bigint[], $4::text[]) AS x(m, c, s)`
	assign := `INSERT INTO audit_events (at, action, subject_type, subject_id, data)
		SELECT $1::timestamptz + make_interval(mins => m), a, 'conversation', c, d::jsonb
		FROM unnest($2::int[], $3::bigint[], $4::text[], $5::text[]) AS x(m, c, a, d)`
	// Conversation 1 in order, conversation 2 out of order (the middle
	// change last), conversation 3 two changes at one instant.
	exec(status, base, []int{0, 10, 0}, []int64{1, 1, 2}, []string{"resolved", "open", "resolved"})
	exec(status, base, []int{30, 5, 5, 5}, []int64{2, 3, 3, 1}, []string{"resolved", "pending", "resolved", "resolved"})
	exec(status, base, []int{15}, []int64{2}, []string{"open"})
	exec(assign, base, []int{20, 0, 10}, []int64{1, 1, 2},
		[]string{"conversation.assign", "conversation.assign", "conversation.sla_breach"},
		[]string{`{"assignee_id": 7}`, `{"assignee_id": 5}`, `{"to_user_id": 9}`})
	exec(assign, base, []int{10, 0, 30, 40}, []int64{1, 2, 2, 2},
		[]string{"conversation.assign", "conversation.assign", "conversation.sla_breach", "conversation.assign"},
		[]string{`{"assignee_id": 6}`, `{"assignee_id": 8}`, `{"to_user_id": null}`, `{"assignee_id": "x"}`})
	// A reopening by a customer message, as migration 00025 recorded the
	// ones stored before it.
	exec(`INSERT INTO audit_events (xid, at, action, subject_type, subject_id, data)
		VALUES (NULL, $1, 'conversation.reopen', 'conversation', 1, '{"message_id": 100}')`, base.Add(12*time.Minute))
	roller := kpi.NewRoller(pool)
	if _, err := roller.Roll(ctx); err != nil {
		t.Fatal(err)
	}
	// That one is no fact of the tail (no xid): a rebuild reads it.
	if _, err := roller.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name, sql string
		want      int
	}{
		{"status changes", `SELECT count(*) FROM kpi_statuses`, 9},
		{"agent changes", `SELECT count(*) FROM kpi_assignments`, 6},
		{"status neighbours", `SELECT count(*) FROM kpi_statuses s JOIN (
				SELECT ord, id, lag(true, 1, false) OVER w AS has_prev, lag(status) OVER w AS prev_status,
					lead(status) OVER w AS next_status, lead(at) OVER w AS next_at
				FROM kpi_statuses WINDOW w AS (PARTITION BY conversation_id ORDER BY at, ord, id)) x USING (ord, id)
			WHERE (s.has_prev, s.prev_status, s.next_status, s.next_at)
				IS DISTINCT FROM (x.has_prev, x.prev_status, x.next_status, x.next_at)`, 0},
		{"agent before", `SELECT count(*) FROM kpi_assignments a JOIN (
				SELECT id, lag(owner) OVER (PARTITION BY conversation_id ORDER BY at, id) AS before
				FROM kpi_assignments) x USING (id)
			WHERE a.before IS DISTINCT FROM x.before`, 0},
		{"reopening linked", `SELECT count(*) FROM kpi_statuses WHERE conversation_id = 1 AND next_status = 'reopened'`, 1},
		{"unassign and bad id are no agent", `SELECT count(*) FROM kpi_assignments WHERE owner IS NULL`, 1},
		{"conversation 2 in order", `SELECT count(*) FROM kpi_statuses WHERE conversation_id = 2 AND (
				(status = 'open' AND prev_status = 'resolved' AND next_status = 'resolved')
				OR (at = $1 AND has_prev AND next_at IS NULL))`, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			var args []any
			if c.name == "conversation 2 in order" {
				args = append(args, base.Add(30*time.Minute))
			}
			if got := dbtest.Count(t, pool, c.sql, args...); got != c.want {
				t.Errorf("got %d, want %d", got, c.want)
			}
		})
	}
}
