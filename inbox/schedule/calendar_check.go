package schedule

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
)

// WeekDays are the weekday keys of Calendar.Week in the order of the
// Iranian week.
var WeekDays = []string{"sat", "sun", "mon", "tue", "wed", "thu", "fri"}

// check returns every fault of the calendar as a field error of the SLA
// form: hours_sat … hours_fri (a bad time, an empty or overlapping span),
// zone, holidays, and hours when no day is open.
func (c Calendar) check() error {
	var errs []error
	if c.Zone != "" {
		if _, err := time.LoadLocation(c.Zone); err != nil {
			errs = append(errs, channels.Invalid("zone", "sla.error.zone", fmt.Sprintf("unknown time zone %q", c.Zone)))
		}
	}
	open := false
	for day, spans := range c.Week {
		field := "hours_" + strings.ToLower(day)
		if !validDay(day) {
			errs = append(errs, channels.Invalid("hours", "sla.error.weekday", fmt.Sprintf("weekday %q (want sat … fri)", day)))
			continue
		}
		type clockSpan struct{ from, to time.Duration }
		var cs []clockSpan
		bad := false
		for _, s := range spans {
			from, err1 := clock(s[0])
			to, err2 := clock(s[1])
			if err1 != nil || err2 != nil || !validClock(s[0]) || !validClock(s[1]) || to <= from {
				errs = append(errs, channels.Invalid(field, "sla.error.clock",
					fmt.Sprintf("%s: span %q–%q (want HH:MM–HH:MM, the end after the start)", day, s[0], s[1])))
				bad = true
				break
			}
			cs = append(cs, clockSpan{from, to})
		}
		if bad {
			continue
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].from < cs[j].from })
		for i := 1; i < len(cs); i++ {
			if cs[i].from < cs[i-1].to {
				errs = append(errs, channels.Invalid(field, "sla.error.overlap", day+": the spans overlap"))
				break
			}
		}
		open = open || len(cs) > 0
	}
	for _, h := range c.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			errs = append(errs, channels.Invalid("holidays", "sla.error.holiday", fmt.Sprintf("holiday %q (want 2006-01-02)", h)))
			break
		}
	}
	if !open && len(errs) == 0 {
		errs = append(errs, channels.Invalid("hours", "sla.error.no_hours", "a business-hours policy needs open hours"))
	}
	return errors.Join(errs...)
}

func validDay(d string) bool {
	for _, w := range WeekDays {
		if strings.EqualFold(d, w) {
			return true
		}
	}
	return false
}

// validClock accepts HH:MM from 00:00 to 24:00.
func validClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	return err1 == nil && err2 == nil && m >= 0 && m < 60 && (h < 24 || h == 24 && m == 0)
}

// ParseSpans reads one day's opening hours as typed in the SLA form or on
// the command line: "08:00-16:00", several separated by commas, empty
// for a closed day. Persian digits are accepted. Bad times are left for
// the policy's check to report against the day's field.
func ParseSpans(s string) [][2]string {
	s = strings.Map(channels.FoldDigit, s)
	var out [][2]string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, _ := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		out = append(out, [2]string{strings.TrimSpace(from), strings.TrimSpace(to)})
	}
	return out
}

// FormatSpans writes a day's spans as ParseSpans reads them.
func FormatSpans(spans [][2]string) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = s[0] + "-" + s[1]
	}
	return strings.Join(parts, ", ")
}

// ParseHolidays reads the admin's holidays, one date a line (or separated
// by commas): Gregorian "2026-12-25" or Jalali "1405-10-04" (a year
// before 1700 is Jalali); Persian digits are accepted. A date it cannot
// read is kept as typed for the check to report.
func ParseHolidays(s string) []string {
	s = strings.Map(channels.FoldDigit, s)
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		f = strings.TrimSpace(strings.ReplaceAll(f, "/", "-"))
		if f == "" {
			continue
		}
		var y, m, d int
		if n, _ := fmt.Sscanf(f, "%d-%d-%d", &y, &m, &d); n == 3 && y < 1700 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			f = JalaliDate(y, m, d)
		}
		out = append(out, f)
	}
	return out
}
