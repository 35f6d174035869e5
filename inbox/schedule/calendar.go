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
	// Holidays are closed dates, "2026-03-21".
	Holidays []string `json:"holidays,omitempty"`
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
	out.loc, out.holidays = loc, make(map[string]bool)
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
			avail := to.Sub(from)
			if avail >= left {
				return from.Add(left), nil
			}
			left -= avail
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
	if cc.holidays[day.Format(time.DateOnly)] {
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
