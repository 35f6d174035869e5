package kpi

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
)

// hours is an inbox.Calendar compiled for measuring many intervals: the
// open spans of each weekday (Sunday first) as offsets from midnight.
type hours struct {
	loc      *time.Location
	week     [7][][2]time.Duration
	holidays map[string]bool
}

// compileHours checks cal the way the inbox does and compiles it.
func compileHours(cal inbox.Calendar) (*hours, error) {
	probe := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := cal.Open(probe, probe.Add(time.Hour)); err != nil {
		return nil, fmt.Errorf("kpi: business hours: %w", err)
	}
	zone := cal.Zone
	if zone == "" {
		zone = "Asia/Tehran"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("kpi: business hours zone %q: %w", zone, crm.ErrInvalid)
	}
	h := &hours{loc: loc, holidays: make(map[string]bool)}
	names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	for name, spans := range cal.Week {
		d := slices.Index(names, strings.ToLower(name))
		for _, s := range spans {
			h.week[d] = append(h.week[d], [2]time.Duration{sinceMidnight(s[0]), sinceMidnight(s[1])})
		}
	}
	for _, day := range cal.Holidays {
		h.holidays[day] = true
	}
	return h, nil
}

// sinceMidnight reads "15:04" (or "24:00"), already checked by the inbox.
func sinceMidnight(s string) time.Duration {
	if s == "24:00" {
		return 24 * time.Hour
	}
	t, _ := time.Parse("15:04", s)
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
}

// at is the wall-clock time d after midnight on day (right across
// daylight-saving changes).
func at(day time.Time, d time.Duration) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, day.Location())
}

// open returns the open time between a and b, as inbox.Calendar.Open does.
func (h *hours) open(a, b time.Time) time.Duration {
	var total time.Duration
	a = a.In(h.loc)
	for day := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, h.loc); day.Before(b); day = day.AddDate(0, 0, 1) {
		if h.holidays[day.Format(time.DateOnly)] {
			continue
		}
		for _, s := range h.week[day.Weekday()] {
			from, to := at(day, s[0]), at(day, s[1])
			if from.Before(a) {
				from = a
			}
			if to.After(b) {
				to = b
			}
			if to.After(from) {
				total += to.Sub(from)
			}
		}
	}
	return total
}

// microsSQL is SQL for the timestamptz col as microseconds since 1970, in
// which business-hours intervals come back: a year of them decodes several
// times faster as int8 than as timestamptz, and is exact until 2255.
func microsSQL(col string) string {
	return `(date_part('epoch', ` + col + `) * 1000000)::int8`
}

// businessStats summarizes the open time under cal from each of starts
// to the end at the same index, both in microseconds since 1970.
func businessStats(starts, ends []int64, cal inbox.Calendar) (stats, error) {
	h, err := compileHours(cal)
	if err != nil {
		return stats{}, err
	}
	if len(starts) != len(ends) {
		return stats{}, fmt.Errorf("kpi: business hours: %d starts for %d ends", len(starts), len(ends))
	}
	secs := make([]float64, len(starts))
	for i, d := range h.openTimes(starts, ends) {
		secs[i] = d.Seconds()
	}
	return summarize(secs), nil
}

// openTimes returns open(starts[i], ends[i]) for every i, the instants
// in microseconds since 1970. It lays the open spans of the days the
// intervals cover end to end with a running total, so each interval costs
// two binary searches over integers rather than a walk over its days; the
// sums are the same to the nanosecond. Calendars whose spans overlap, and
// ranges of over twenty years, are measured by open.
func (h *hours) openTimes(starts, ends []int64) []time.Duration {
	out := make([]time.Duration, len(starts))
	lo, hi, seen := int64(0), int64(0), false
	for i := range starts {
		if ends[i] <= starts[i] {
			continue
		}
		if !seen || starts[i] < lo {
			lo = starts[i]
		}
		if !seen || ends[i] > hi {
			hi = ends[i]
		}
		seen = true
	}
	if !seen {
		return out
	}
	spans, ok := h.spans(time.UnixMicro(lo), time.UnixMicro(hi))
	for i := range starts {
		switch {
		case ends[i] <= starts[i]:
		case ok:
			out[i] = spans.until(ends[i]) - spans.until(starts[i])
		default:
			out[i] = h.open(time.UnixMicro(starts[i]), time.UnixMicro(ends[i]))
		}
	}
	return out
}

// timeline is the open spans of a range of days in order, in microseconds
// since 1970, each with the open time of the spans before it.
type timeline struct {
	from, to []int64
	before   []time.Duration
}

// spans lays out the open spans of the days from lo's to the last one
// starting before hi; ok is false when spans overlap or the range is too
// long.
func (h *hours) spans(lo, hi time.Time) (t timeline, ok bool) {
	lo = lo.In(h.loc)
	first := time.Date(lo.Year(), lo.Month(), lo.Day(), 0, 0, 0, 0, h.loc)
	if hi.Sub(first) > 20*366*24*time.Hour {
		return t, false
	}
	var total time.Duration
	for day := first; day.Before(hi); day = day.AddDate(0, 0, 1) {
		if h.holidays[day.Format(time.DateOnly)] {
			continue
		}
		spans := h.week[day.Weekday()]
		start := len(t.from)
		for _, s := range spans {
			if from, to := at(day, s[0]), at(day, s[1]); to.After(from) {
				t.from, t.to = append(t.from, from.UnixMicro()), append(t.to, to.UnixMicro())
			}
		}
		sortSpans(t.from[start:], t.to[start:])
		for k := start; k < len(t.from); k++ {
			if k > 0 && t.from[k] < t.to[k-1] {
				return t, false
			}
			t.before = append(t.before, total)
			total += time.Duration(t.to[k]-t.from[k]) * time.Microsecond
		}
	}
	return t, true
}

// sortSpans orders one day's spans by their start.
func sortSpans(from, to []int64) {
	for i := 1; i < len(from); i++ {
		for j := i; j > 0 && from[j] < from[j-1]; j-- {
			from[j], from[j-1] = from[j-1], from[j]
			to[j], to[j-1] = to[j-1], to[j]
		}
	}
}

// until returns the open time of the timeline before instant x (in
// microseconds since 1970).
func (t timeline) until(x int64) time.Duration {
	k, _ := slices.BinarySearch(t.from, x)
	if k == 0 {
		return 0
	}
	k--
	return t.before[k] + time.Duration(min(x-t.from[k], t.to[k]-t.from[k]))*time.Microsecond
}

// summarize returns the count, average and nearest-rank p90 of secs (as
// PostgreSQL's percentile_disc(0.9)).
func summarize(secs []float64) stats {
	if len(secs) == 0 {
		return stats{}
	}
	slices.Sort(secs)
	sum := 0.0
	for _, s := range secs {
		sum += s
	}
	rank := int(math.Ceil(0.9*float64(len(secs)))) - 1
	return stats{n: len(secs), avg: sum / float64(len(secs)), p90: secs[max(rank, 0)]}
}
