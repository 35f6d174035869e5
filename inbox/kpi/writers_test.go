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
	"github.com/peykhq/peyk/inbox/schedule"
)

// TestWritersMatchRoller: the events the real writers store — an agent's
// assign and resolve (audit.Assign, audit.Status through audit.Record),
// the SLA check's reassignment (its own map, with audit.SLABreach's
// keys) — are read back by the roller: an agent change, one by the SLA
// check with the agent before, and a resolve by the agent.
func TestWritersMatchRoller(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	ib := inbox.New(pool, inbox.Config{}, nil)
	sms, err := ib.CreateChannel(ctx, channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	user := func(name string, available bool) int64 {
		return int64(dbtest.Count(t, pool, `INSERT INTO users (email, name, role, available)
			VALUES ($1 || '@peyk.ir', $1, 'agent', $2) RETURNING id`, name, available))
	}
	absent, ali := user("absent", false), user("ali", true)
	team, err := ib.CreateTeam(ctx, "support")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{absent, ali} {
		if err := ib.AddTeamMember(ctx, team, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ib.SetSLAPolicy(ctx, schedule.SLAPolicy{TeamID: &team, FirstResponse: 30 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	err = ib.Ingest(ctx, []channels.Inbound{{ChannelID: sms, ExternalID: "late", Kind: channels.KindText,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "09120000001"}, Text: "salam",
		SentAt: time.Now().Add(-time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	conv := int64(dbtest.Count(t, pool, `SELECT id FROM conversations`))
	if err := ib.SetTeam(ctx, 0, conv, team); err != nil {
		t.Fatal(err)
	}
	if err := ib.Assign(ctx, 0, conv, absent); err != nil {
		t.Fatal(err)
	}
	if n, err := ib.CheckSLA(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("breaches %d, %v; want 1", n, err)
	}
	if err := ib.SetStatus(ctx, ali, conv, inbox.StatusResolved, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := kpi.NewRoller(pool).Roll(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, sql string
	}{
		{"the assign", fmt.Sprintf(`SELECT count(*) FROM kpi_assignments WHERE owner = %d AND before IS NULL AND NOT by_sla`, absent)},
		{"the SLA check's reassignment", fmt.Sprintf(`SELECT count(*) FROM kpi_assignments WHERE owner = %d AND before = %d AND by_sla`, ali, absent)},
		{"the resolve", fmt.Sprintf(`SELECT count(*) FROM kpi_statuses WHERE actor_id = %d AND status = 'resolved' AND started IS NOT NULL`, ali)},
		{"the team's day", fmt.Sprintf(`SELECT count(*) FROM kpi_daily WHERE team_id = %d AND agent_id = %d AND requests = 1`, team, ali)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if n := dbtest.Count(t, pool, c.sql); n != 1 {
				t.Errorf("%d rows, want 1", n)
			}
		})
	}
}
