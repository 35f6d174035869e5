package kpi

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox"
)

// TestOpenTimes checks that the running-total measure gives open's sums
// to the nanosecond, on calendars with holidays, a span to 24:00, spans out
// of order and (measured by open) overlapping spans, in zones with and
// without daylight saving.
func TestOpenTimes(t *testing.T) {
	t.Parallel()
	iran := inbox.IranianWeek()
	iran.Holidays = []string{"2026-03-20", "2026-03-21", "2026-03-22"}
	for _, c := range []struct {
		name string
		cal  inbox.Calendar
	}{
		{"iranian week with nowruz", iran},
		{"late spans out of order", inbox.Calendar{Zone: "Europe/Berlin", Week: map[string][][2]string{
			"mon": {{"18:00", "24:00"}, {"00:00", "06:00"}}, "tue": {{"09:00", "12:30"}, {"13:00", "17:00"}},
			"sat": {{"00:00", "24:00"}}}}},
		{"overlapping spans", inbox.Calendar{Zone: "UTC", Week: map[string][][2]string{
			"sun": {{"08:00", "12:00"}, {"10:00", "14:00"}}, "wed": {{"09:00", "17:00"}}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, err := compileHours(c.cal)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, 11))
			base := time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC)
			// Instants come from the database in microseconds.
			var starts, ends []int64
			for range 2000 {
				a := base.Add(time.Duration(rng.Int64N(int64(200 * 24 * time.Hour)))).Truncate(time.Microsecond)
				b := a.Add(time.Duration(rng.Int64N(int64(30*24*time.Hour))) - 2*time.Hour).Truncate(time.Microsecond)
				starts, ends = append(starts, a.UnixMicro()), append(ends, b.UnixMicro())
			}
			starts = append(starts, base.UnixMicro(), base.UnixMicro())
			ends = append(ends, base.UnixMicro(), base.Add(-time.Hour).UnixMicro())
			for i, got := range h.openTimes(starts, ends) {
				a, b := time.UnixMicro(starts[i]), time.UnixMicro(ends[i])
				if want := h.open(a, b); got != want {
					t.Fatalf("%s – %s: %s, want %s", a, b, got, want)
				}
			}
		})
	}
	t.Run("nothing to measure", func(t *testing.T) {
		h, err := compileHours(iran)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.openTimes(nil, nil); len(got) != 0 {
			t.Errorf("%v", got)
		}
	})
}
