package kpi_test

import (
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/kpi"
)

// BenchmarkYearReport computes a year's dashboard (every KPI, Jalali
// periods) over 100,000 conversations and 1,000,000 messages.
func BenchmarkYearReport(b *testing.B) {
	pool := dbtest.New(b)
	to := time.Date(2026, 3, 20, 20, 30, 0, 0, time.UTC) // 1405/01/01 in Tehran
	from := to.AddDate(-1, 0, 0)
	convs := 100_000 // PEYK_BENCH_CONVERSATIONS overrides, for a quick run; messages are ten times as many
	if n, err := strconv.Atoi(os.Getenv("PEYK_BENCH_CONVERSATIONS")); err == nil && n > 0 {
		convs = n
	}
	seed := dbtest.Seed(b, pool, dbtest.SeedSize{Contacts: max(1, convs/2), Conversations: convs, Messages: 10 * convs,
		Agents: 20, From: from, To: to, Seed: 1})
	b.Logf("seeded in %s", seed.Elapsed)
	// The seed writes its facts straight into the tables; the rollup
	// worker would have folded them in long before: a rebuild does it.
	start := time.Now()
	if _, err := kpi.NewRoller(pool).Rebuild(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Logf("rolled up in %s", time.Since(start))
	// The seed writes a year in one transaction, leaving the tables without
	// statistics or visibility maps, and the rebuild the KPI tables too;
	// autovacuum would have seen to that long before anyone reads a
	// year's report.
	_, err := pool.Exec(b.Context(), `VACUUM (ANALYZE) conversations, messages, audit_events, sla_breaches,
		contacts, users, kpi_conversations, kpi_reopens, kpi_statuses, kpi_assignments, kpi_calls, kpi_daily`)
	if err != nil {
		b.Fatal(err)
	}
	// The seed's writes would also have been checkpointed long before;
	// left to the checkpointer, they are written out while the reports
	// run (max_wal_size is soon reached). CHECKPOINT needs a superuser or
	// pg_checkpoint.
	if _, err := pool.Exec(b.Context(), `CHECKPOINT`); err != nil {
		b.Logf("no checkpoint before timing: %v", err)
	}
	store := kpi.New(pool)
	// One report first, as a running server has: it opens the pool's
	// connections, which a report's parts then share.
	if _, err := store.Report(b.Context(), kpi.Query{From: from, To: to, Now: to}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		q    kpi.Query
	}{
		{"all", kpi.Query{}},
		{"agent", kpi.Query{AgentID: seed.AgentIDs[0]}},
		{"business-hours", kpi.Query{BusinessHours: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			q := c.q
			q.From, q.To, q.Now = from, to, to
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				r, err := store.Report(b.Context(), q)
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
				if r.Requests.Total == 0 {
					b.Fatal("empty report")
				}
			}
			slices.Sort(took)
			ms := func(p float64) float64 {
				return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
		})
	}
}
