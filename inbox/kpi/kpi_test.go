package kpi_test

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/inbox/schedule"
)

// The fixture (fixture_test.go) spans 1404/12/27 00:00 to 1405/01/03 00:00
// in Tehran: Wed 12/27, Thu 12/28, Fri 12/29 (the last day of 1404), Sat
// 01/01, Sun 01/02 — in the Gregorian calendar Wed 2026-03-18 to Sun
// 2026-03-22. Now is 1405/01/03 12:00.

func TestRequests(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store := kpi.New(pool)
	fa := f.report(t, store, kpi.Query{Locale: "fa"})
	en := f.report(t, store, kpi.Query{Locale: "en"})
	// Started in the period: C1 (12/27), C2 (12/28), C3 (12/29), C4
	// (01/01), C5 and C6 (01/02) = 6; C7 started on 12/20. Customers:
	// Sara (C1, and C4 after the merge), Reza (C2, C5), Nima (C3, and C6
	// after the merge) = 3, not 5.
	t.Run("totals", func(t *testing.T) {
		if fa.Requests.Total != 6 || fa.Requests.Customers != 3 {
			t.Errorf("total %d, customers %d; want 6, 3", fa.Requests.Total, fa.Requests.Customers)
		}
	})
	t.Run("channels", func(t *testing.T) {
		// SMS: C1, C5; email: C2; phone: C3, C6; Telegram: C4.
		want := map[int64]int{f.sms: 2, f.email: 1, f.phone: 2, f.tg: 1}
		got := map[int64]int{}
		for _, c := range fa.Requests.Channels {
			got[c.ID] = c.Count
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("per channel %v, want %v", got, want)
		}
	})
	t.Run("jalali daily", func(t *testing.T) {
		want := []string{"1404-12-27:1", "1404-12-28:1", "1404-12-29:1", "1405-01-01:1", "1405-01-02:2"}
		checkBuckets(t, fa.Requests.Daily, want)
		if fa.Requests.Daily[4].ByChannel[f.phone] != 1 || fa.Requests.Daily[4].ByChannel[f.sms] != 1 {
			t.Errorf("1405/01/02 by channel %v, want C5 on SMS and C6 on phone", fa.Requests.Daily[4].ByChannel)
		}
		if got := fa.Requests.Daily[2].Label; got != "۱۴۰۴/۱۲/۲۹" {
			t.Errorf("label %q", got)
		}
		if !fa.Requests.Daily[3].Start.Equal(f.from.AddDate(0, 0, 3)) {
			t.Errorf("1405/01/01 starts %v", fa.Requests.Daily[3].Start)
		}
	})
	t.Run("jalali weeks and months", func(t *testing.T) {
		// Weeks from Saturday: 1404/12/23 (Sat) holds 27, 28, 29; 1405/01/01
		// is a Saturday. Months: Esfand 1404 (3), Farvardin 1405 (3).
		checkBuckets(t, fa.Requests.Weekly, []string{"1404-12-23:3", "1405-01-01:3"})
		checkBuckets(t, fa.Requests.Monthly, []string{"1404-12:3", "1405-01:3"})
		if fa.Requests.Monthly[0].Label != "اسفند ۱۴۰۴" || fa.Requests.Monthly[1].Label != "فروردین ۱۴۰۵" {
			t.Errorf("month labels %q, %q", fa.Requests.Monthly[0].Label, fa.Requests.Monthly[1].Label)
		}
	})
	t.Run("jalali weekdays and days of month", func(t *testing.T) {
		// Sat 01/01: 1, Sun 01/02: 2, Wed 12/27: 1, Thu 12/28: 1, Fri 12/29: 1.
		checkBuckets(t, fa.Requests.Weekdays, []string{"sat:1", "sun:2", "mon:0", "tue:0", "wed:1", "thu:1", "fri:1"})
		if fa.Requests.Weekdays[0].Label != "شنبه" {
			t.Errorf("first weekday %q", fa.Requests.Weekdays[0].Label)
		}
		days := fa.Requests.MonthDays
		if len(days) != 31 || days[0].Count != 1 || days[1].Count != 2 || days[26].Count != 1 || days[27].Count != 1 ||
			days[28].Count != 1 || days[29].Count != 0 {
			t.Errorf("days of month %v", days)
		}
	})
	t.Run("gregorian", func(t *testing.T) {
		checkBuckets(t, en.Requests.Daily, []string{"2026-03-18:1", "2026-03-19:1", "2026-03-20:1", "2026-03-21:1", "2026-03-22:2"})
		// Weeks from Monday: 2026-03-16 holds the five days; one month.
		checkBuckets(t, en.Requests.Weekly, []string{"2026-03-16:6"})
		checkBuckets(t, en.Requests.Monthly, []string{"2026-03:6"})
		checkBuckets(t, en.Requests.Weekdays, []string{"mon:0", "tue:0", "wed:1", "thu:1", "fri:1", "sat:1", "sun:2"})
		if en.Requests.Monthly[0].Label != "March 2026" || en.Requests.MonthDays[21].Count != 2 {
			t.Errorf("month %q, day 22: %d", en.Requests.Monthly[0].Label, en.Requests.MonthDays[21].Count)
		}
	})
}

func checkBuckets(t *testing.T, got []kpi.Bucket, want []string) {
	t.Helper()
	var have []string
	for _, b := range got {
		have = append(have, b.Key+":"+strconv.Itoa(b.Count))
	}
	if !reflect.DeepEqual(have, want) {
		t.Errorf("buckets %v, want %v", have, want)
	}
}

func TestAgents(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	r := f.report(t, kpi.New(pool), kpi.Query{})
	// Resolves in the period, credited to who resolved (not who holds it):
	//   C7 Bahar 12/27 09:00 — reopened by Ali at 09:30
	//   C7 Ali   12/27 10:00 — final
	//   C1 Ali   12/27 12:00 — final
	//   C2 Ali   12/28 15:00 — reopened by Reza's message 12/29 08:00
	//   C2 Ali   01/01 10:00 — final
	//   C3 Dara  01/01 09:30 — final (Cyrus held it first)
	// Ali 4 closes, 1 reopened (0.25); Bahar 1, 1 (1.0); Dara 1, 0.
	want := []kpi.AgentStats{
		{AgentID: f.ali, Name: "Ali", Closed: 4, Reopened: 1, ReopenRate: 0.25},
		{AgentID: f.bahar, Name: "Bahar", Closed: 1, Reopened: 1, ReopenRate: 1},
		{AgentID: f.dara, Name: "Dara", Closed: 1, Reopened: 0, ReopenRate: 0},
	}
	if !reflect.DeepEqual(r.Agents, want) {
		t.Errorf("agents\n%+v\nwant\n%+v", r.Agents, want)
	}
	for _, a := range r.Agents {
		if a.CSAT != nil {
			t.Errorf("CSAT %v without a survey", *a.CSAT)
		}
	}
}

func TestDurations(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store := kpi.New(pool)
	for _, c := range []struct {
		name          string
		q             kpi.Query
		first, handle kpi.Durations
	}{
		{
			name: "wall clock",
			q:    kpi.Query{},
			// First responses: C1 10:00→10:30 = 1800 s, C2 09:00→09:20 =
			// 1200 s, C3 20:00→22:00 = 7200 s; C4 and C6 still wait; C5 was
			// started by Bahar (no wait). Average 10200/3 = 3400, p90 the
			// 3rd of 3 = 7200.
			first: kpi.Durations{Count: 3, Pending: 2, AverageSeconds: 3400, P90Seconds: 7200},
			// Final resolves: C7 12/20 10:00→12/27 10:00 = 7 d = 604800 s,
			// C1 10:00→12:00 = 7200 s, C2 12/28 09:00→01/01 10:00 = 49 h =
			// 176400 s, C3 12/29 20:00→01/01 09:30 = 13.5 h = 48600 s.
			// Average 837000/4 = 209250, p90 the 4th of 4 = 604800.
			handle: kpi.Durations{Count: 4, AverageSeconds: 209250, P90Seconds: 604800},
		},
		{
			name: "business hours",
			q:    kpi.Query{BusinessHours: true},
			// IranianWeek: Sat–Wed 08–16, Thu 08–12, Fri closed. C1 Wed
			// 1800 s, C2 Thu 1200 s, C3 on Friday evening 0 s: average
			// 3000/3 = 1000, p90 1800.
			first: kpi.Durations{Count: 3, Pending: 2, AverageSeconds: 1000, P90Seconds: 1800, BusinessHours: true},
			// C7 Wed 10–16 6 h + Thu 4 h + Fri 0 + Sat–Tue 4×8 h + Wed 08–10
			// 2 h = 44 h = 158400 s; C1 2 h = 7200 s; C2 Thu 09–12 3 h + Sat
			// 08–10 2 h = 18000 s; C3 Sat 08:00–09:30 = 5400 s. Average
			// 189000/4 = 47250, p90 158400.
			handle: kpi.Durations{Count: 4, AverageSeconds: 47250, P90Seconds: 158400, BusinessHours: true},
		},
		{
			name: "agent Ali",
			q:    kpi.Query{AgentID: f.ali},
			// Ali wrote C1's first reply only (C2's was Bahar's, before the
			// reassignment): 1800 s. His final resolves: C7, C1, C2 =
			// (604800+7200+176400)/3 = 262800, p90 604800.
			first:  kpi.Durations{Count: 1, AverageSeconds: 1800, P90Seconds: 1800},
			handle: kpi.Durations{Count: 3, AverageSeconds: 262800, P90Seconds: 604800},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := f.report(t, store, c.q)
			if r.FirstResponse != c.first {
				t.Errorf("first response %+v, want %+v", r.FirstResponse, c.first)
			}
			if r.Resolution != c.handle {
				t.Errorf("resolution %+v, want %+v", r.Resolution, c.handle)
			}
		})
	}
}

func TestExchangesCallsSLABacklog(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store := kpi.New(pool)
	for _, c := range []struct {
		name      string
		q         kpi.Query
		exchanges kpi.Exchanges
		calls     kpi.Calls
		sla       kpi.SLA
		now       [4]int // open, waiting, pending, snoozed
		daily     []int
	}{
		{
			name: "all",
			// Turns (a reply after a customer message): C1 in-out-in-out-in-out
			// = 3 (the note does not count), C2 in-out-in-out = 2, C3
			// in-out-in-out = 2, C4 in-in = 0, C5 out-in-out = 1, C6 in-in = 0:
			// 8 over 6 requests.
			exchanges: kpi.Exchanges{Requests: 6, Exchanges: 8, Average: 8.0 / 6},
			// Received: C3 20:00 NO ANSWER, C3 01/01 09:00 ANSWERED, C6 16:00
			// BUSY, C6 18:00 NO ANSWER = 4, 1 answered, 3 missed. Outgoing:
			// C3 22:00, C3 01/02 17:00 = 2. Called back within 4 h: C3 20:00
			// (22:00) and C6 16:00 (17:00, to Nima's main number, merged);
			// C6 18:00 was not.
			calls: kpi.Calls{Received: 4, Answered: 1, Missed: 3, Outgoing: 2, NotCalledBack: 1, CallbackHours: 4},
			// Breaches: C3 (moved from Cyrus to Dara), C6 (nobody free).
			// Reassignments: C2 Bahar→Ali, C3 Cyrus→Dara (by the SLA check).
			sla: kpi.SLA{Breaches: 2, Reassignments: 2, BySLA: 1},
			// Now: C4, C6 open and waiting, C5 pending.
			now: [4]int{2, 2, 1, 0},
			// Unresolved at each day's end: before the period C7 (1).
			// 12/27: +C1 −C7 +C7 −C7 −C1 = 0. 12/28: +C2 −C2 = 0. 12/29:
			// +C2 (reopened) +C3 = 2. 01/01: −C3 −C2 +C4 = 1. 01/02: +C5
			// +C6 = 3.
			daily: []int{0, 0, 2, 1, 3},
		},
		{
			name: "phone channel",
			q:    kpi.Query{ChannelID: f.phone},
			// C3 2 + C6 0 over 2; the calls are all on the phone line.
			exchanges: kpi.Exchanges{Requests: 2, Exchanges: 2, Average: 1},
			calls:     kpi.Calls{Received: 4, Answered: 1, Missed: 3, Outgoing: 2, NotCalledBack: 1, CallbackHours: 4},
			sla:       kpi.SLA{Breaches: 2, Reassignments: 1, BySLA: 1},
			now:       [4]int{1, 1, 0, 0},
			// 12/29: +C3 = 1; 01/01: −C3 = 0; 01/02: +C6 = 1.
			daily: []int{0, 0, 1, 0, 1},
		},
		{
			name: "team Front, call-back in 1 hour",
			q:    kpi.Query{TeamID: f.t1, CallbackHours: 1},
			// C1 3, C2 2, C5 1 over 3; no calls; no breaches; C2's
			// reassignment.
			exchanges: kpi.Exchanges{Requests: 3, Exchanges: 6, Average: 2},
			calls:     kpi.Calls{CallbackHours: 1},
			sla:       kpi.SLA{Reassignments: 1},
			now:       [4]int{0, 0, 1, 0},
			// Before: C7 (1). 12/27: 0. 12/28: 0. 12/29: +C2 = 1. 01/01:
			// −C2 = 0. 01/02: +C5 = 1.
			daily: []int{0, 0, 1, 0, 1},
		},
		{
			name: "agent Cyrus",
			q:    kpi.Query{AgentID: f.cyrus},
			// Cyrus holds C6 (C3 went to Dara): 0 turns over 1. C6's calls:
			// 2 received, missed; the 16:00 one was called back.
			exchanges: kpi.Exchanges{Requests: 1, Exchanges: 0, Average: 0},
			calls:     kpi.Calls{Received: 2, Missed: 2, NotCalledBack: 1, CallbackHours: 4},
			// Both breaches were his; C3 was moved away from him.
			sla:   kpi.SLA{Breaches: 2, Reassignments: 1, BySLA: 1},
			now:   [4]int{1, 1, 0, 0},
			daily: []int{0, 0, 0, 0, 1},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := f.report(t, store, c.q)
			if r.Exchanges != c.exchanges {
				t.Errorf("exchanges %+v, want %+v", r.Exchanges, c.exchanges)
			}
			if r.Calls != c.calls {
				t.Errorf("calls %+v, want %+v", r.Calls, c.calls)
			}
			if r.SLA != c.sla {
				t.Errorf("SLA %+v, want %+v", r.SLA, c.sla)
			}
			b := r.Backlog
			if now := [4]int{b.Open, b.Waiting, b.Pending, b.Snoozed}; now != c.now {
				t.Errorf("backlog now %v, want %v", now, c.now)
			}
			var daily []int
			for _, d := range b.Daily {
				daily = append(daily, d.Count)
			}
			if !reflect.DeepEqual(daily, c.daily) {
				t.Errorf("backlog by day %v, want %v", daily, c.daily)
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store := kpi.New(pool)
	badDay := schedule.Calendar{Week: map[string][][2]string{"funday": {{"08:00", "16:00"}}}}
	badSpan := schedule.Calendar{Week: map[string][][2]string{"sat": {{"16:00", "08:00"}}}}
	for name, q := range map[string]kpi.Query{
		"empty period": {From: f.to, To: f.from},
		"no period":    {},
		"bad calendar": {From: f.from, To: f.to, Calendar: "lunar"},
		"bad zone":     {From: f.from, To: f.to, Zone: "Mars/Olympus"},
		"bad callback": {From: f.from, To: f.to, CallbackHours: -1},
		"too long":     {From: f.from, To: f.from.AddDate(4, 0, 0)},
		"bad weekday":  {From: f.from, To: f.to, BusinessHours: true, Hours: &badDay},
		"bad hours":    {From: f.from, To: f.to, BusinessHours: true, Hours: &badSpan},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := store.Report(t.Context(), q); !errors.Is(err, crm.ErrInvalid) {
				t.Errorf("error %v, want ErrInvalid", err)
			}
		})
	}
}

func TestTablesAndChoices(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	store := kpi.New(pool)
	r := f.report(t, store, kpi.Query{Locale: "en"})
	for _, name := range kpi.TableNames() {
		t.Run(name, func(t *testing.T) {
			tab, ok := r.Table(name)
			if !ok || len(tab.Header) == 0 || len(tab.Rows) == 0 {
				t.Fatalf("table %s: %v %+v", name, ok, tab)
			}
			for _, row := range tab.Rows {
				if len(row) != len(tab.Header) {
					t.Errorf("row %v under %v", row, tab.Header)
				}
			}
		})
	}
	t.Run("agents", func(t *testing.T) {
		tab, _ := r.Table("agents")
		want := []string{strconv.FormatInt(f.ali, 10), "Ali", "4", "1", "0.25", ""}
		if !reflect.DeepEqual(tab.Rows[0], want) {
			t.Errorf("first row %v, want %v", tab.Rows[0], want)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if _, ok := r.Table("nope"); ok {
			t.Error("unknown table found")
		}
	})
	t.Run("choices", func(t *testing.T) {
		c, err := store.Choices(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Channels) != 4 || len(c.Teams) != 2 || len(c.Agents) != 4 || c.Agents[0].Name != "Ali" {
			t.Errorf("choices %+v", c)
		}
	})
}

// TestOneConnection runs the report's parts in turn on a pool of one
// connection and gets the same report as on a larger pool.
func TestOneConnection(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	cfg := pool.Config().Copy()
	cfg.MaxConns = 1
	one, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	want := f.report(t, kpi.New(pool), kpi.Query{BusinessHours: true})
	got := f.report(t, kpi.New(one), kpi.Query{BusinessHours: true})
	got.Query.Now, want.Query.Now = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("one connection\n%+v\nmany\n%+v", got, want)
	}
}

// TestCallBackAfterUnmerge checks that a call follows its conversation's
// contact when contacts are unmerged: C6's 16:00 call, called back on
// Nima's main number only once his second number was merged into him,
// counts as not called back again when the merge is undone.
func TestCallBackAfterUnmerge(t *testing.T) {
	t.Parallel()
	pool, f := newFixture(t)
	// Each call names its conversation's contact, after the merges and
	// after the unmerge.
	stale := func() int {
		if _, err := kpi.NewRoller(pool).Roll(t.Context()); err != nil {
			t.Fatal(err)
		}
		return dbtest.Count(t, pool, `SELECT count(*) FROM kpi_calls k JOIN conversations c ON c.id = k.conversation_id
			WHERE k.contact_id IS DISTINCT FROM c.contact_id`)
	}
	if n := stale(); n != 0 {
		t.Fatalf("%d calls name another contact than their conversation after the merges", n)
	}
	var merge int64
	err := pool.QueryRow(t.Context(), `SELECT m.id FROM contact_merges m JOIN contacts c ON c.id = m.source_id
		WHERE c.name = 'Nima (second phone)'`).Scan(&merge)
	if err != nil {
		t.Fatal(err)
	}
	if err := crm.NewStore(pool).Unmerge(t.Context(), merge, 0); err != nil {
		t.Fatal(err)
	}
	if n := stale(); n != 0 {
		t.Fatalf("%d calls name another contact than their conversation after the unmerge", n)
	}
	r := f.report(t, kpi.New(pool), kpi.Query{})
	if r.Calls.NotCalledBack != 2 {
		t.Errorf("not called back %d, want 2 (C6 16:00 and 18:00)", r.Calls.NotCalledBack)
	}
}
