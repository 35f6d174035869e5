package kpi_test

import (
	"os"
	"strings"
	"testing"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestMigration00025: its Down restores the seven KPI triggers of
// 00009–00016, which keep the tables as a message is stored, and its Up
// drops them again; the rollup then gives the fixture's numbers as before.
func TestMigration00025(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store := kpi.New(pool)
	before := f.report(t, store, kpi.Query{})
	file, err := os.ReadFile("../../db/migrations/00025_kpi_rollup.sql")
	if err != nil {
		t.Fatal(err)
	}
	up, down, ok := strings.Cut(string(file), "-- +goose Down")
	if !ok {
		t.Fatal("00025 has no Down section")
	}
	b := &builder{tb: t, pool: pool, loc: tehran(t)}
	triggers := `SELECT count(*) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
		WHERE g.tgname LIKE 'kpi%' AND NOT g.tgisinternal AND c.relnamespace = current_schema()::regnamespace`
	steps := []struct {
		name     string
		sql      string
		triggers int
	}{
		{"down", down, 7},
		{"up", up, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			b.exec(s.sql)
			if n := dbtest.Count(t, pool, triggers); n != s.triggers {
				t.Fatalf("%d KPI triggers, want %d", n, s.triggers)
			}
			if s.name != "down" {
				return
			}
			// The restored trigger counts a new message at once.
			conv := b.conv(b.contact("late"), f.sms, 0, f.now)
			b.msg(conv, "in", 0, f.now, "")
			if n := dbtest.Count(t, pool, `SELECT messages_in FROM kpi_conversations WHERE conversation_id = $1`, conv); n != 1 {
				t.Fatalf("trigger counted %d messages, want 1", n)
			}
			b.exec(`DELETE FROM messages WHERE conversation_id = $1`, conv)
			b.exec(`DELETE FROM kpi_conversations WHERE conversation_id = $1`, conv)
			b.exec(`DELETE FROM conversations WHERE id = $1`, conv)
		})
	}
	if _, err := kpi.NewRoller(pool).Rebuild(t.Context()); err != nil {
		t.Fatal(err)
	}
	after := f.report(t, store, kpi.Query{})
	if before.Requests.Total != after.Requests.Total || len(before.Agents) != len(after.Agents) ||
		before.Calls != after.Calls || before.SLA != after.SLA || before.Exchanges != after.Exchanges {
		t.Errorf("after down and up: %+v\nbefore: %+v", after, before)
	}
}
