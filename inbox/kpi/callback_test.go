package kpi_test

import (
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestCalledBackAt checks the call back the roller gives each missed call
// (kpi_calls.called_back_at, migration 00016) as calls arrive in one
// statement, out of order, and with an earlier call back coming last,
// rolling after each statement.
func TestCalledBackAt(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	b := &builder{tb: t, pool: pool, loc: tehran(t)}
	phone := b.channel("phone")
	at := func(hour, minute int) time.Time { return b.j(1405, 1, 5, hour, minute) }
	// calls inserts calls in one statement: disposition "" is outgoing.
	calls := func(conv int64, times []time.Time, dispositions []string) {
		b.exec(`INSERT INTO messages (conversation_id, channel_id, direction, kind, call, sent_at, status)
			SELECT $1, $2, CASE WHEN d = '' THEN 'out' ELSE 'in' END, 'call',
				jsonb_build_object('disposition', CASE WHEN d = '' THEN 'ANSWERED' ELSE d END), t, 'received'
			FROM unnest($3::timestamptz[], $4::text[]) AS u(t, d)`, conv, phone, times, dispositions)
	}
	calledBack := func(conv int64, sent time.Time) *time.Time {
		var got *time.Time
		err := pool.QueryRow(t.Context(), `SELECT k.called_back_at FROM kpi_calls k
			WHERE k.conversation_id = $1 AND k.sent_at = $2`, conv, sent).Scan(&got)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	type step struct { // calls stored in one statement
		times        []time.Time
		dispositions []string
	}
	for _, c := range []struct {
		name  string
		steps []step
		call  time.Time
		want  time.Time // zero: none
	}{
		{name: "missed and call back in one statement",
			steps: []step{{[]time.Time{at(10, 0), at(11, 0)}, []string{"NO ANSWER", ""}}}, call: at(10, 0), want: at(11, 0)},
		{name: "call back stored before the missed call",
			steps: []step{{[]time.Time{at(12, 0)}, []string{""}}, {[]time.Time{at(11, 30)}, []string{"BUSY"}}},
			call:  at(11, 30), want: at(12, 0)},
		{name: "an earlier call back arrives last",
			steps: []step{{[]time.Time{at(9, 0), at(15, 0)}, []string{"FAILED", ""}}, {[]time.Time{at(10, 0)}, []string{""}}},
			call:  at(9, 0), want: at(10, 0)},
		{name: "an outgoing call at the same instant is no call back",
			steps: []step{{[]time.Time{at(7, 0), at(7, 0)}, []string{"BUSY", ""}}}, call: at(7, 0)},
		{name: "a later call back leaves the one before it",
			steps: []step{{[]time.Time{at(13, 0), at(14, 0)}, []string{"NO ANSWER", ""}}, {[]time.Time{at(16, 0)}, []string{"BUSY"}},
				{[]time.Time{at(17, 0)}, []string{""}}},
			call: at(13, 0), want: at(14, 0)},
		{name: "missed between two call backs",
			steps: []step{{[]time.Time{at(13, 0), at(14, 0)}, []string{"NO ANSWER", ""}}, {[]time.Time{at(16, 0)}, []string{"BUSY"}},
				{[]time.Time{at(17, 0)}, []string{""}}},
			call: at(16, 0), want: at(17, 0)},
		{name: "only calls before it",
			steps: []step{{[]time.Time{at(8, 0), at(9, 0)}, []string{"", "NO ANSWER"}}}, call: at(9, 0)},
	} {
		t.Run(c.name, func(t *testing.T) {
			conv := b.conv(b.contact(c.name), phone, 0, at(0, 0))
			for _, s := range c.steps {
				calls(conv, s.times, s.dispositions)
				if _, err := kpi.NewRoller(pool).Roll(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			got := calledBack(conv, c.call)
			if (got == nil) != c.want.IsZero() || (got != nil && !got.Equal(c.want)) {
				t.Errorf("called back at %v, want %v", got, c.want)
			}
		})
	}
}
