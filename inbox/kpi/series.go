package kpi

import (
	"strconv"
	"time"
)

// tally is one day's count, split by channel when that matters.
type tally struct {
	count     int
	byChannel map[int64]int
}

func (t *tally) add(channel int64, n int, split bool) {
	t.count += n
	if split {
		if t.byChannel == nil {
			t.byChannel = make(map[int64]int)
		}
		t.byChannel[channel] += n
	}
}

// grouper adds days into buckets kept in order of first appearance.
type grouper struct {
	buckets []Bucket
	index   map[string]int
}

func (g *grouper) add(key, label string, start time.Time, t tally) {
	if g.index == nil {
		g.index = make(map[string]int)
	}
	i, ok := g.index[key]
	if !ok {
		i = len(g.buckets)
		g.index[key] = i
		g.buckets = append(g.buckets, Bucket{Key: key, Label: label, Start: start})
	}
	b := &g.buckets[i]
	b.Count += t.count
	for ch, n := range t.byChannel {
		if b.ByChannel == nil {
			b.ByChannel = make(map[int64]int)
		}
		b.ByChannel[ch] += n
	}
}

// series are the buckets of a count over the period's days.
type series struct {
	daily, weekly, monthly, weekdays, monthDays []Bucket
}

// group sums per-day tallies into days, weeks and months of the report's
// calendar, weekdays and days of the month; every day, week, month and
// weekday of the period gets a bucket, zero or not.
func (c *calendar) group(days map[time.Time]tally) series {
	var daily, weekly, monthly, weekdays, monthDays grouper
	for i := range 7 {
		weekdays.add(c.weekdayKey(i), c.weekdayLabel(i), time.Time{}, tally{})
	}
	for d := 1; d <= 31; d++ {
		monthDays.add(strconv.Itoa(d), c.digits(strconv.Itoa(d)), time.Time{}, tally{})
	}
	for _, day := range c.days() {
		t := days[day]
		daily.add(c.dayKey(day), c.dayLabel(day), c.start(day), t)
		w := c.weekStart(day)
		weekly.add(c.dayKey(w), c.dayLabel(w), c.start(w), t)
		m := c.monthStart(day)
		monthly.add(c.monthKey(day), c.monthLabel(day), c.start(m), t)
		weekdays.add(c.weekdayKey(c.weekday(day)), "", time.Time{}, t)
		monthDays.add(strconv.Itoa(c.monthDay(day)), "", time.Time{}, t)
	}
	return series{daily.buckets, weekly.buckets, monthly.buckets, weekdays.buckets, monthDays.buckets}
}
