package kpi_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/kpi"
)

// dumpSQL lists every row of the KPI tables as text, in a fixed order.
var dumpSQL = map[string]string{
	"conversations": `SELECT k::text FROM kpi_conversations k ORDER BY conversation_id`,
	"statuses":      `SELECT k::text FROM kpi_statuses k ORDER BY ord, id`,
	"reopens":       `SELECT k::text FROM kpi_reopens k ORDER BY message_id`,
	"assignments":   `SELECT k::text FROM kpi_assignments k ORDER BY id`,
	"calls":         `SELECT k::text FROM kpi_calls k ORDER BY message_id`,
	"daily":         `SELECT k::text FROM kpi_daily k ORDER BY day, channel_id, team_id, agent_id`,
}

// kpiTables returns the rows of every KPI table as text.
func kpiTables(t *testing.T, pool *pgxpool.Pool) map[string][]string {
	t.Helper()
	out := make(map[string][]string)
	for name, sql := range dumpSQL {
		rows, err := pool.Query(t.Context(), sql)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out[name] = append(out[name], s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestRebuildSameNumbers: the hand-worked fixture rolled as it was
// written (the reports fold in the tail), then rebuilt from scratch with
// Rebuild (what `peyk kpi rebuild` runs), gives the same reports, in every
// variant, and the same rows in every KPI table; rolling again changes
// nothing (idempotent).
func TestRebuildSameNumbers(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store, roller := kpi.New(pool), kpi.NewRoller(pool)
	queries := map[string]kpi.Query{
		"all": {}, "agent": {AgentID: f.ali}, "team": {TeamID: f.t1}, "channel": {ChannelID: f.phone},
		"business hours": {BusinessHours: true}, "gregorian": {Locale: "en"},
	}
	reports := func() map[string]*kpi.Report {
		out := make(map[string]*kpi.Report)
		for name, q := range queries {
			out[name] = f.report(t, store, q)
		}
		return out
	}
	tables := func() map[string][]string { return kpiTables(t, pool) }
	before, rolled := reports(), tables()
	if len(rolled["statuses"]) == 0 || len(rolled["calls"]) == 0 || len(rolled["daily"]) == 0 {
		t.Fatalf("nothing rolled: %v", rolled)
	}
	if _, err := roller.Roll(t.Context()); err != nil {
		t.Fatal(err)
	}
	if again := tables(); !reflect.DeepEqual(again, rolled) {
		t.Fatalf("a second roll changed the tables:\n%v\n%v", rolled, again)
	}
	if _, err := roller.Rebuild(t.Context()); err != nil {
		t.Fatal(err)
	}
	rebuilt := tables()
	for name := range dumpSQL {
		t.Run("table "+name, func(t *testing.T) {
			if !reflect.DeepEqual(rebuilt[name], rolled[name]) {
				t.Errorf("rolled\n%v\nrebuilt\n%v", rolled[name], rebuilt[name])
			}
		})
	}
	after := reports()
	for name := range queries {
		t.Run("report "+name, func(t *testing.T) {
			if !reflect.DeepEqual(after[name], before[name]) {
				t.Errorf("before rebuild\n%+v\nafter\n%+v", before[name], after[name])
			}
		})
	}
}

// TestRollOutOfOrderCommits: a message whose transaction took its id
// first but commits after a later one was rolled is still rolled; a
// watermark of ids would have passed it for good.
func TestRollOutOfOrderCommits(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := t.Context()
	b := &builder{tb: t, pool: pool, loc: tehran(t)}
	sms := b.channel("sms")
	at := b.j(1405, 1, 5, 10, 0)
	early := b.conv(b.contact("early"), sms, 0, at)
	late := b.conv(b.contact("late"), sms, 0, at)
	roller := kpi.NewRoller(pool)
	if _, err := roller.Roll(ctx); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO messages (conversation_id, channel_id, direction, kind, sent_at, status)
		VALUES ($1, $2, 'in', 'text', $3, 'received') RETURNING id`
	slow, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx)
	var first, second int64
	if err := slow.QueryRow(ctx, insert, early, sms, at).Scan(&first); err != nil {
		t.Fatal(err)
	}
	second = b.id(insert, late, sms, at)
	if second <= first {
		t.Fatalf("ids %d then %d", first, second)
	}
	counted := func(conv int64) int {
		return dbtest.Count(t, pool, `SELECT COALESCE(sum(messages_in), 0) FROM kpi_conversations WHERE conversation_id = $1`, conv)
	}
	steps := []struct {
		name        string
		before      func()
		early, late int
	}{
		{"the later id committed first", func() {}, 0, 1},
		{"the earlier id commits after that roll", func() {
			if err := slow.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}, 1, 1},
		{"rolled again, nothing changes", func() {}, 1, 1},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.before()
			if _, err := roller.Roll(ctx); err != nil {
				t.Fatal(err)
			}
			if got := counted(early); got != s.early {
				t.Errorf("early message counted %d times, want %d", got, s.early)
			}
			if got := counted(late); got != s.late {
				t.Errorf("late message counted %d times, want %d", got, s.late)
			}
		})
	}
}

// TestDailyMatchesConversations: the requests a report reads from the
// daily rollup (kpi_daily: whole days in Tehran) are the ones it counts
// from the conversations (the same days under the zone's other name,
// which the rollup does not serve), with every filter.
func TestDailyMatchesConversations(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store := kpi.New(pool)
	for _, c := range []struct {
		name string
		q    kpi.Query
	}{
		{"all", kpi.Query{}}, {"agent", kpi.Query{AgentID: f.bahar}}, {"team", kpi.Query{TeamID: f.t2}},
		{"channel", kpi.Query{ChannelID: f.sms}}, {"gregorian", kpi.Query{Locale: "en"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Zone = kpi.Zone
			daily := f.report(t, store, q)
			q.Zone = "Iran" // the same rules, not the rollup's name
			direct := f.report(t, store, q)
			if daily.Requests.Total == 0 && c.name == "all" {
				t.Fatal("no requests")
			}
			// Printed, as the two zones' locations differ by pointer only.
			if a, b := fmt.Sprintf("%+v", daily.Requests), fmt.Sprintf("%+v", direct.Requests); a != b {
				t.Errorf("from kpi_daily\n%s\nfrom conversations\n%s", a, b)
			}
		})
	}
}
