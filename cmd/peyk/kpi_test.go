package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/peykhq/peyk/db"
)

// TestKPIRebuild: `peyk kpi rebuild` fills the KPI tables from the facts
// (here a conversation and its customer message written without the
// rollup) and says how many conversations it rebuilt; a bare `peyk kpi`
// is a usage error.
func TestKPIRebuild(t *testing.T) {
	url := freshDatabase(t)
	ctx := context.Background()
	dbFlag := "--database-url=" + url
	if _, stderr, err := runCmd(t, ctx, "migrate", dbFlag); err != nil {
		t.Fatalf("migrate: %v (%s)", err, stderr)
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `WITH ct AS (INSERT INTO contacts (name, name_fold) VALUES ('Sara', 'sara') RETURNING id),
			cv AS (INSERT INTO conversations (contact_id, reply_token) SELECT id, 'tok' FROM ct RETURNING id)
		INSERT INTO messages (conversation_id, direction, kind, status, sent_at)
		SELECT id, 'in', 'text', 'received', now() FROM cv`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		out  string
		err  bool
	}{
		{"rebuild", []string{"kpi", "rebuild", dbFlag}, "rebuilt the KPI tables of 1 conversation(s)", false},
		{"again", []string{"kpi", "rebuild", dbFlag}, "rebuilt the KPI tables of 1 conversation(s)", false},
		{"no subcommand", []string{"kpi"}, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, err := runCmd(t, ctx, c.args...)
			if c.err != errors.Is(err, errUsage) || (!c.err && err != nil) {
				t.Fatalf("err = %v (%s)", err, stderr)
			}
			if !strings.Contains(out, c.out) {
				t.Fatalf("out = %q, want %q", out, c.out)
			}
		})
	}
	var in int
	if err := pool.QueryRow(ctx, `SELECT sum(messages_in) FROM kpi_conversations`).Scan(&in); err != nil || in != 1 {
		t.Fatalf("kpi_conversations: %d customer messages, %v; want 1", in, err)
	}
}
