package schedule

import (
	"fmt"
	"strings"
	"time"
)

// Calendar is a team's working time: opening hours per weekday, holidays,
// and the zone they are in. SLA clocks count only this time when a policy
// asks for business hours.
type Calendar struct {
	// Zone is an IANA zone name; default Asia/Tehran.
	Zone string `json:"zone,omitempty"`
	// Week maps a weekday ("sat", "sun", … "fri") to its open spans,
	// [["08:00", "16:00"]]; a missing day is closed.
	Week map[string][][2]string `json:"week,omitempty"`
	// Holidays are closed dates, "2026-03-21": the admin's own.
	Holidays []string `json:"holidays,omitempty"`
	// OfficialHolidays closes the official Iranian holidays too
	// (OfficialHolidays in calendar_holidays.go).
	OfficialHolidays bool `json:"official_holidays,omitempty"`
}

// IranianWeek is the common Iranian working week: Saturday to Wednesday
// 08:00–16:00 and a half Thursday, 08:00–12:00, in Tehran.
func IranianWeek() Calendar {
	day := [][2]string{{"08:00", "16:00"}}
	return Calendar{Zone: "Asia/Tehran", Week: map[string][][2]string{
		"sat": day, "sun": day, "mon": day, "tue": day, "wed": day, "thu": {{"08:00", "12:00"}},
	}}
}

var weekdays = [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

type span struct{ from, to time.Duration } // since midnight

// compiled is a Calendar ready for arithmetic.
type compiled struct {
	loc      *time.Location
	week     [7][]span
	holidays map[string]bool
	official bool
	open     bool // any open time at all
}

func (c Calendar) compile() (compiled, error) {
	var out compiled
	zone := c.Zone
	if zone == "" {
		zone = "Asia/Tehran"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return out, fmt.Errorf("calendar zone %q: %w", zone, ErrInvalid)
	}
	out.loc, out.holidays, out.official = loc, make(map[string]bool), c.OfficialHolidays
	for name, spans := range c.Week {
		d := -1
		for i, w := range weekdays {
			if strings.EqualFold(name, w) {
				d = i
			}
		}
		if d < 0 {
			return out, fmt.Errorf("calendar weekday %q (want sat, sun, mon, tue, wed, thu or fri): %w", name, ErrInvalid)
		}
		for _, s := range spans {
			from, err1 := clock(s[0])
			to, err2 := clock(s[1])
			if err1 != nil || err2 != nil || to <= from {
				return out, fmt.Errorf("calendar %s span %q–%q: %w", name, s[0], s[1], ErrInvalid)
			}
			out.week[d] = append(out.week[d], span{from, to})
			out.open = true
		}
	}
	for _, h := range c.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			return out, fmt.Errorf("calendar holiday %q (want 2006-01-02): %w", h, ErrInvalid)
		}
		out.holidays[h] = true
	}
	if !out.open {
		return out, fmt.Errorf("calendar has no open hours: %w", ErrInvalid)
	}
	return out, nil
}

func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil && s == "24:00" {
		return 24 * time.Hour, nil
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, err
}

// Deadline returns the moment d of open time has passed after start.
func (c Calendar) Deadline(start time.Time, d time.Duration) (time.Time, error) {
	return c.deadline(start, d, nil)
}

// deadline is Deadline that does not count the paused spans either.
func (c Calendar) deadline(start time.Time, d time.Duration, paused []Pause) (time.Time, error) {
	cc, err := c.compile()
	if err != nil {
		return time.Time{}, err
	}
	left := d
	day := midnight(start.In(cc.loc))
	for i := 0; i < 3*366; i++ {
		for _, s := range cc.spans(day) {
			from, to := onDay(day, s.from), onDay(day, s.to)
			if !to.After(start) {
				continue
			}
			if from.Before(start) {
				from = start
			}
			for _, part := range without(from, to, paused) {
				avail := part[1].Sub(part[0])
				if avail >= left {
					return part[0].Add(left), nil
				}
				left -= avail
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return time.Time{}, fmt.Errorf("calendar: no deadline within three years: %w", ErrInvalid)
}

// Open returns the open time between a and b.
func (c Calendar) Open(a, b time.Time) (time.Duration, error) {
	cc, err := c.compile()
	if err != nil || !b.After(a) {
		return 0, err
	}
	var total time.Duration
	for day := midnight(a.In(cc.loc)); day.Before(b); day = day.AddDate(0, 0, 1) {
		for _, s := range cc.spans(day) {
			from, to := maxTime(onDay(day, s.from), a), minTime(onDay(day, s.to), b)
			if to.After(from) {
				total += to.Sub(from)
			}
		}
	}
	return total, nil
}

// spans returns the open spans of the day starting at midnight day.
func (cc compiled) spans(day time.Time) []span {
	date := day.Format(time.DateOnly)
	if cc.holidays[date] || cc.official && official()[date] {
		return nil
	}
	return cc.week[day.Weekday()]
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// onDay returns the wall-clock time d after midnight on day, right across
// daylight-saving changes.
func onDay(day time.Time, d time.Duration) time.Time {
	y, m, dd := day.Date()
	return time.Date(y, m, dd, int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, day.Location())
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Pause is a span a conversation spent pending or snoozed; To is zero
// while it lasts.
type Pause struct{ From, To time.Time }

// without returns [from, to) less the paused spans, in order.
func without(from, to time.Time, paused []Pause) [][2]time.Time {
	parts := [][2]time.Time{{from, to}}
	for _, p := range paused {
		end := p.To
		if end.IsZero() {
			end = to.Add(time.Hour)
		}
		var next [][2]time.Time
		for _, s := range parts {
			if !p.From.Before(s[1]) || !end.After(s[0]) {
				next = append(next, s)
				continue
			}
			if p.From.After(s[0]) {
				next = append(next, [2]time.Time{s[0], p.From})
			}
			if end.Before(s[1]) {
				next = append(next, [2]time.Time{end, s[1]})
			}
		}
		parts = next
	}
	return parts
}

// alwaysOpen is the calendar of a policy that counts every minute.
var alwaysOpen = func() Calendar {
	all := [][2]string{{"00:00", "24:00"}}
	week := map[string][][2]string{}
	for _, d := range weekdays {
		week[d] = all
	}
	return Calendar{Zone: "UTC", Week: week}
}()
