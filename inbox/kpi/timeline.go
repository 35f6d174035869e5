package kpi

import (
	"slices"
	"time"
)

// openTimes returns open(starts[i], ends[i]) for every i, the instants
// in microseconds since 1970. It lays the open spans of the days the
// intervals cover end to end with a running total and indexes them by
// hour, so each interval costs two lookups rather than a walk over its
// days; the sums are the same to the nanosecond. Calendars whose spans
// overlap, and ranges of over twenty years, are measured by open.
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
	// first[k] counts the spans that start before the k-th hour from base.
	base  int64
	first []int32
}

const hourMicros = int64(time.Hour / time.Microsecond)

// index fills first for the hours from the first span to hi.
func (t *timeline) index(hi int64) {
	if len(t.from) == 0 || hi < t.from[0] {
		return
	}
	t.base = t.from[0]
	t.first = make([]int32, (hi-t.base)/hourMicros+1)
	n := int32(0)
	for k := range t.first {
		at := t.base + int64(k)*hourMicros
		for int(n) < len(t.from) && t.from[n] < at {
			n++
		}
		t.first[k] = n
	}
}

// spans lays out the open spans of the days from lo's to the last one
// starting before hi, indexed by hour up to hi; ok is false when spans
// overlap or the range is too long.
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
	t.index(hi.UnixMicro())
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
	var k int
	if h := (x - t.base) / hourMicros; x >= t.base && h < int64(len(t.first)) {
		// A few spans at most start within the hour.
		k = int(t.first[h])
		for k < len(t.from) && t.from[k] < x {
			k++
		}
	} else {
		k, _ = slices.BinarySearch(t.from, x)
	}
	if k == 0 {
		return 0
	}
	k--
	return t.before[k] + time.Duration(min(x-t.from[k], t.to[k]-t.from[k]))*time.Microsecond
}
