package kpi_test

import (
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox/kpi"
)

// TestReportBesideRebuild: while a rebuild (here: a transaction holding
// the roll lock) runs, a report waits kpi.RollWait at most and answers
// from the rolled tables, saying as of when (RolledAt), without the facts
// committed since; once the lock is free it counts them again.
func TestReportBesideRebuild(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	ctx := t.Context()
	store := kpi.New(pool)
	first := f.report(t, store, kpi.Query{})
	if first.RolledAt != nil {
		t.Fatalf("rolled at %v with the lock free", first.RolledAt)
	}
	// A request the rolled tables do not hold yet.
	b := &builder{tb: t, pool: pool, loc: tehran(t)}
	c := b.conv(b.contact("Late"), f.sms, f.t1, b.j(1405, 1, 2, 20, 0))
	b.msg(c, "in", 0, b.j(1405, 1, 2, 20, 0), "")

	holder, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx) //nolint:errcheck // rolled back below
	if _, err := holder.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(kpi.RollLock)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		release  bool
		stale    bool
		requests int
	}{
		{"lock held", false, true, first.Requests.Total},
		{"lock free", true, false, first.Requests.Total + 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.release {
				if err := holder.Rollback(ctx); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now()
			r := f.report(t, store, kpi.Query{})
			took := time.Since(start)
			if (r.RolledAt != nil) != c.stale || r.Requests.Total != c.requests {
				t.Errorf("rolled at %v, %d requests; want stale %v, %d requests", r.RolledAt, r.Requests.Total, c.stale, c.requests)
			}
			if c.stale && (took < kpi.RollWait || took > kpi.RollWait+5*time.Second) {
				t.Errorf("the report took %v beside the rebuild, want about %v", took, kpi.RollWait)
			}
		})
	}
}
