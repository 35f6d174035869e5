package kpi_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestDaysAcrossOffsetChange checks that days start at local midnight in
// a zone whose offset changes in the period (Berlin moves to summer time
// on 2026-03-29), where days cannot be 24-hour bins, and in one whose
// offset does not (Tehran, binned).
func TestDaysAcrossOffsetChange(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{tb: t, pool: pool, loc: berlin}
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 3, day, hour, minute, 0, 0, berlin) }
	channel, contact := b.channel("sms"), b.contact("Sara")
	// In Berlin: A on the 28th, B and C on the 29th (B before the change,
	// C after), D on the 30th; D is 22:30 UTC on the 29th, so an offset
	// of one hour all period long would misplace it. A is resolved on the
	// 30th.
	a := b.conv(contact, channel, 0, at(28, 23, 30))
	b.conv(contact, channel, 0, at(29, 0, 30))
	b.conv(contact, channel, 0, at(29, 23, 30))
	b.conv(contact, channel, 0, at(30, 0, 30))
	b.status(a, 0, "resolved", at(30, 23, 30))
	// E starts after the period, yet a skewed clock stamped its resolve
	// in it: the backlog leaves it out.
	e := b.conv(contact, channel, 0, at(31, 12, 0))
	b.status(e, 0, "resolved", at(29, 12, 0))

	for _, c := range []struct {
		zone              string
		requests, backlog []string
	}{
		{"Europe/Berlin", []string{"2026-03-28:1", "2026-03-29:2", "2026-03-30:1"},
			[]string{"2026-03-28:1", "2026-03-29:3", "2026-03-30:3"}},
		// In Tehran (UTC+3:30) A and B fall on the 29th, C and D on the
		// 30th, and the resolve (01:00 on the 31st) after the period.
		{"Asia/Tehran", []string{"2026-03-28:0", "2026-03-29:2", "2026-03-30:2"},
			[]string{"2026-03-28:0", "2026-03-29:2", "2026-03-30:4"}},
	} {
		// The channel filter reads the same conversations another way.
		for _, filter := range []int64{0, channel} {
			t.Run(c.zone+"/"+strconv.FormatInt(filter, 10), func(t *testing.T) {
				loc, err := time.LoadLocation(c.zone)
				if err != nil {
					t.Fatal(err)
				}
				r, err := kpi.New(pool).Report(t.Context(), kpi.Query{Locale: "en", Zone: c.zone, ChannelID: filter,
					From: time.Date(2026, 3, 28, 0, 0, 0, 0, loc), To: time.Date(2026, 3, 31, 0, 0, 0, 0, loc),
					Now: time.Date(2026, 4, 1, 0, 0, 0, 0, loc)})
				if err != nil {
					t.Fatal(err)
				}
				checkBuckets(t, r.Requests.Daily, c.requests)
				checkBuckets(t, r.Backlog.Daily, c.backlog)
			})
		}
	}
}
