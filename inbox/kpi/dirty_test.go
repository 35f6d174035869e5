package kpi_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestDailyAfterDelete: deleting a channel or a team takes it off its
// conversations without a fact; the next roll still leaves kpi_daily (and
// every KPI table) as a rebuild from scratch does.
func TestDailyAfterDelete(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		delete func(ctx context.Context, ib *inbox.Inbox, sms, team int64) error
	}{
		{"channel", func(ctx context.Context, ib *inbox.Inbox, sms, _ int64) error {
			_, err := ib.DeleteChannel(ctx, sms, true)
			return err
		}},
		{"team", func(ctx context.Context, ib *inbox.Inbox, _, team int64) error {
			_, err := ib.DeleteTeam(ctx, 0, team)
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pool := dbtest.New(t)
			ctx := t.Context()
			ib := inbox.New(pool, inbox.Config{}, nil)
			sms, err := ib.CreateChannel(ctx, channels.SMS, "sms", nil)
			if err != nil {
				t.Fatal(err)
			}
			other, err := ib.CreateChannel(ctx, channels.SMS, "other", nil)
			if err != nil {
				t.Fatal(err)
			}
			team, err := ib.CreateTeam(ctx, "support")
			if err != nil {
				t.Fatal(err)
			}
			if err := ib.RouteChannel(ctx, 0, sms, team); err != nil {
				t.Fatal(err)
			}
			for i, ch := range []int64{sms, sms, other} {
				err := ib.Ingest(ctx, []channels.Inbound{{ChannelID: ch, ExternalID: fmt.Sprint("m", i), Text: "salam",
					From:   channels.Identity{Kind: channels.IdentityPhone, Value: fmt.Sprintf("0912000000%d", i)},
					SentAt: time.Now().UTC().Add(-time.Duration(i) * 24 * time.Hour)}})
				if err != nil {
					t.Fatal(err)
				}
			}
			roller := kpi.NewRoller(pool)
			if _, err := roller.Roll(ctx); err != nil {
				t.Fatal(err)
			}
			before := kpiTables(t, pool)["daily"]
			if err := c.delete(ctx, ib, sms, team); err != nil {
				t.Fatal(err)
			}
			if _, err := roller.Roll(ctx); err != nil {
				t.Fatal(err)
			}
			rolled := kpiTables(t, pool)
			if reflect.DeepEqual(before, rolled["daily"]) {
				t.Errorf("kpi_daily unchanged by the delete: %v", before)
			}
			if n := dbtest.Count(t, pool, `SELECT count(*) FROM kpi_dirty`); n != 0 {
				t.Errorf("%d marks left after the roll", n)
			}
			if _, err := roller.Rebuild(ctx); err != nil {
				t.Fatal(err)
			}
			rebuilt := kpiTables(t, pool)
			for name := range dumpSQL {
				if !reflect.DeepEqual(rolled[name], rebuilt[name]) {
					t.Errorf("%s rolled\n%v\nrebuilt\n%v", name, rolled[name], rebuilt[name])
				}
			}
		})
	}
}
