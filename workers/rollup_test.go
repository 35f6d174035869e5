package workers_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/workers"
)

// TestRollup: the rollup task folds an ingested message into the KPI
// tables, woken by the ingest's NOTIFY (with a tick of an hour) or by its
// tick alone (no LISTEN).
func TestRollup(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		every  time.Duration
		listen bool
	}{
		{"woken by NOTIFY", time.Hour, true},
		{"by the tick", 200 * time.Millisecond, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			srv := workers.NewServer(f.redis, workers.Config{RollupEvery: c.every, ReconcileEvery: time.Hour, SLAEvery: time.Hour},
				f.ib, f.sender, nil, log)
			var listen func(context.Context) <-chan struct{}
			if c.listen {
				listen = func(ctx context.Context) <-chan struct{} {
					return workers.Listen(ctx, f.pool, inbox.NotifyChannel, log)
				}
			}
			srv.EnableRollup(kpi.NewRoller(f.pool), listen)
			if err := srv.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Shutdown)
			counted := func() int {
				return dbtest.Count(t, f.pool, `SELECT COALESCE(sum(messages_in), 0) FROM kpi_conversations WHERE conversation_id = $1`, f.conv)
			}
			wait := func(want int) {
				t.Helper()
				deadline := time.Now().Add(15 * time.Second)
				for counted() != want {
					if time.Now().After(deadline) {
						t.Fatalf("%d customer messages rolled, want %d", counted(), want)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			wait(1) // the fixture's message, by the first roll
			err := f.ib.Ingest(context.Background(), []channels.Inbound{{ChannelID: f.channel, ExternalID: "in-2", Text: "again",
				From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}}})
			if err != nil {
				t.Fatal(err)
			}
			wait(2)
		})
	}
}
