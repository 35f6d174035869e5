package kpi_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestResolvesBackfill runs migration 00015 over a resolve stored before
// it, with no audit event: C4 resolved on 1405/01/01 12:00. The backlog
// reads the audited resolves only, so it misses that one until the
// migration records it; running the migration again adds nothing, and
// taking its events back out (as its Down did) and rebuilding the
// rollups takes it back.
func TestResolvesBackfill(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store := kpi.New(pool)
	file, err := os.ReadFile("../../db/migrations/00015_kpi_resolves.sql")
	if err != nil {
		t.Fatal(err)
	}
	up, _, ok := strings.Cut(string(file), "-- +goose Down")
	if !ok {
		t.Fatal("00015 has no Down section")
	}
	b := &builder{tb: t, pool: pool, loc: tehran(t)}
	b.exec(`UPDATE conversations SET status = 'resolved', resolved_at = $2 WHERE channel_id = $1`,
		f.tg, b.j(1405, 1, 1, 12, 0))

	check := func(t *testing.T, daily []int, systemCloses int) {
		t.Helper()
		r := f.report(t, store, kpi.Query{})
		var got []int
		for _, d := range r.Backlog.Daily {
			got = append(got, d.Count)
		}
		if !reflect.DeepEqual(got, daily) {
			t.Errorf("backlog by day %v, want %v", got, daily)
		}
		closes := 0
		for _, a := range r.Agents {
			if a.AgentID == 0 {
				closes = a.Closed
			}
		}
		if closes != systemCloses {
			t.Errorf("closes by the system %d, want %d", closes, systemCloses)
		}
	}
	backfilled := `SELECT count(*) FROM audit_events WHERE data->>'backfill' = '00015'`
	t.Run("before", func(t *testing.T) { check(t, []int{0, 0, 2, 1, 3}, 0) })
	for i := range 2 {
		b.exec(up)
		if n := dbtest.Count(t, pool, backfilled); n != 1 {
			t.Fatalf("run %d: %d resolves recorded, want 1", i+1, n)
		}
		// 01/01: −C3 −C2 +C4 −C4 = 0; 01/02: +C5 +C6 = 2.
		t.Run("up", func(t *testing.T) { check(t, []int{0, 0, 2, 0, 2}, 1) })
	}
	// 00015's Down called the trigger functions 00025 dropped.
	b.exec(`DELETE FROM audit_events WHERE action = 'conversation.status' AND data->>'backfill' = '00015'`)
	if _, err := kpi.NewRoller(pool).Rebuild(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := dbtest.Count(t, pool, backfilled); n != 0 {
		t.Fatalf("after down: %d resolves recorded, want 0", n)
	}
	t.Run("down", func(t *testing.T) { check(t, []int{0, 0, 2, 1, 3}, 0) })
}
