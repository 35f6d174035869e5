package kpi

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/schedule"
)

// hours is an schedule.Calendar compiled for measuring many intervals: the
// open spans of each weekday (Sunday first) as offsets from midnight.
type hours struct {
	loc      *time.Location
	week     [7][][2]time.Duration
	holidays map[string]bool
}

// compileHours checks cal the way the inbox does and compiles it.
func compileHours(cal schedule.Calendar) (*hours, error) {
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

// sinceMidnight reads "15:04" (or "24:00"), already checked by the schedule book.
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

// open returns the open time between a and b, as schedule.Calendar.Open does.
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

// businessStats summarizes the open time under cal from each of starts
// to the end at the same index, both in microseconds since 1970.
func businessStats(starts, ends []int64, cal schedule.Calendar) (stats, error) {
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

// summarize returns the count, average and nearest-rank p90 of secs (as
// PostgreSQL's percentile_disc(0.9)); it reorders secs.
func summarize(secs []float64) stats {
	if len(secs) == 0 {
		return stats{}
	}
	sum := 0.0
	for _, s := range secs {
		sum += s
	}
	rank := int(math.Ceil(0.9*float64(len(secs)))) - 1
	return stats{n: len(secs), avg: sum / float64(len(secs)), p90: nth(secs, max(rank, 0))}
}

// nth returns the value of rank k (from 0) of s as sorted, in linear time
// on average (quickselect, the median of three as pivot); it reorders s.
func nth(s []float64, k int) float64 {
	lo, hi := 0, len(s)-1
	for hi-lo > 16 {
		m := lo + (hi-lo)/2
		p := max(min(s[lo], s[m]), min(max(s[lo], s[m]), s[hi]))
		i, j := lo, hi
		for i <= j {
			for s[i] < p {
				i++
			}
			for s[j] > p {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i, j = i+1, j-1
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return s[k]
		}
	}
	slices.Sort(s[lo : hi+1])
	return s[k]
}
