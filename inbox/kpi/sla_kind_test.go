package kpi_test

import (
	"testing"

	"github.com/peykhq/peyk/inbox/kpi"
)

// TestSLABreachesFirstOnly: the SLA breaches KPI counts first-response
// breaches; a next-response breach (kind next, migration 00023) in the
// period leaves it as it was, whatever the filter.
func TestSLABreachesFirstOnly(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store := kpi.New(pool)
	queries := []struct {
		name string
		q    kpi.Query
	}{
		{"all", kpi.Query{}}, {"agent", kpi.Query{AgentID: f.cyrus}}, {"team", kpi.Query{TeamID: f.t2}},
	}
	before := make(map[string]int)
	for _, c := range queries {
		before[c.name] = f.report(t, store, c.q).SLA.Breaches
	}
	b := &builder{tb: t, pool: pool, loc: tehran(t)}
	at := b.j(1405, 1, 2, 19, 0)
	b.exec(`INSERT INTO sla_breaches (conversation_id, policy_id, waiting_since, due_at, breached_at, from_user_id, kind)
		SELECT conversation_id, policy_id, $1::timestamptz - interval '1 hour', $1, $1, from_user_id, 'next' FROM sla_breaches LIMIT 1`, at)
	for _, c := range queries {
		t.Run(c.name, func(t *testing.T) {
			if got := f.report(t, store, c.q).SLA.Breaches; got != before[c.name] {
				t.Errorf("%d breaches with a next-response one, want %d", got, before[c.name])
			}
		})
	}
	if before["all"] == 0 {
		t.Error("the fixture has no first-response breach")
	}
}
