package kpi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestReopenByLiveIngest: through the real ingest and agent actions (no
// trigger and no reopen event), a customer's message after an agent's
// resolve is rolled as a reopening and the agent's close as reopened; an
// auto-reply after the resolve is not.
func TestReopenByLiveIngest(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		auto     bool
		reopened int
	}{
		{"a customer's message reopens", false, 1},
		{"an auto-reply does not", true, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pool := dbtest.New(t)
			ctx := context.Background()
			ib := inbox.New(pool, inbox.Config{}, nil)
			sms, err := ib.CreateChannel(ctx, channels.SMS, "sms", nil)
			if err != nil {
				t.Fatal(err)
			}
			agent := dbtest.Count(t, pool, `INSERT INTO users (email, name, role) VALUES ('a@x.test', 'Ali', 'agent') RETURNING id`)
			from := channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}
			now := time.Now().UTC()
			ingest := func(n int, auto bool) {
				t.Helper()
				err := ib.Ingest(ctx, []channels.Inbound{{ChannelID: sms, ExternalID: fmt.Sprint("m", n), From: from,
					Text: "salam", SentAt: now.Add(time.Duration(n-10) * time.Minute), AutoReply: auto}})
				if err != nil {
					t.Fatal(err)
				}
			}
			ingest(1, false)
			var conv int64
			if err := pool.QueryRow(ctx, `SELECT id FROM conversations`).Scan(&conv); err != nil {
				t.Fatal(err)
			}
			if err := ib.SetStatus(ctx, int64(agent), conv, inbox.StatusResolved, time.Time{}); err != nil {
				t.Fatal(err)
			}
			ingest(2, c.auto)
			r, err := kpi.New(pool).Report(ctx, kpi.Query{From: now.Add(-24 * time.Hour), To: now.Add(time.Hour),
				Now: now.Add(time.Hour), Zone: "UTC", Locale: "en"})
			if err != nil {
				t.Fatal(err)
			}
			if n := dbtest.Count(t, pool, `SELECT count(*) FROM kpi_reopens`); n != c.reopened {
				t.Errorf("%d reopenings rolled, want %d", n, c.reopened)
			}
			if len(r.Agents) != 1 || r.Agents[0].Closed != 1 || r.Agents[0].Reopened != c.reopened {
				t.Errorf("closes %+v, want Ali's one, %d reopened", r.Agents, c.reopened)
			}
		})
	}
}
