package kpi

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	ptime "github.com/yaa110/go-persian-calendar"

	"github.com/peykhq/peyk/crm"
)

// calendar groups the days of a report into weeks and months, and names
// them, in the report's calendar and locale. A day is a civil date held as
// a time.Time at midnight UTC (how PostgreSQL dates scan).
type calendar struct {
	jalali, fa  bool
	loc         *time.Location
	first, last time.Time // the period's first and last day
	// steady says the zone keeps one UTC offset over the period, so that
	// its days are 24-hour bins from origin, the first day's start.
	steady bool
	origin time.Time
}

func newCalendar(q Query, loc *time.Location) *calendar {
	c := &calendar{jalali: q.Calendar == Jalali, fa: q.Locale == "fa", loc: loc,
		first: civil(q.From.In(loc)), last: civil(q.To.Add(-time.Nanosecond).In(loc))}
	c.origin = c.start(c.first)
	_, offset := c.origin.Zone()
	c.steady = true
	for d := c.first; !d.After(c.last) && c.steady; d = d.AddDate(0, 0, 1) {
		_, o := c.start(d.AddDate(0, 0, 1)).Zone()
		c.steady = o == offset
	}
	return c
}

// args are q's SQL arguments and @origin, the start of the period's first
// day, which daySQL bins from.
func (c *calendar) args(q Query) pgx.NamedArgs {
	a := q.args()
	a["origin"] = c.origin
	return a
}

// daySQL is SQL giving the start of the day (in the report's zone) of
// the timestamptz col, for instants of the period. In a zone of one UTC
// offset over the period that is integer arithmetic from @origin; across
// a change of offset (daylight saving time) it converts by the zone's
// rules, several times slower over a year of rows.
func (c *calendar) daySQL(col string) string {
	if c.steady {
		return "date_bin('1 day', " + col + ", @origin::timestamptz)"
	}
	return "date_trunc('day', " + col + ", @zone)"
}

// dayOf returns the day whose start daySQL gave.
func (c *calendar) dayOf(start time.Time) time.Time {
	return civil(start.In(c.loc))
}

// civil returns the date of t (in t's location) as a day.
func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// days returns every day of the period in order.
func (c *calendar) days() []time.Time {
	var out []time.Time
	for d := c.first; !d.After(c.last); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// start returns the instant day begins in the report's zone.
func (c *calendar) start(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, c.loc)
}

// persian returns day in the Jalali calendar.
func persian(day time.Time) ptime.Time {
	return ptime.New(time.Date(day.Year(), day.Month(), day.Day(), 12, 0, 0, 0, time.UTC))
}

// ymd returns day's year, month and day in the report's calendar.
func (c *calendar) ymd(day time.Time) (int, int, int) {
	if c.jalali {
		p := persian(day)
		return p.Year(), int(p.Month()), p.Day()
	}
	return day.Year(), int(day.Month()), day.Day()
}

// dayKey is "1404-12-29" (Jalali) or "2026-03-20".
func (c *calendar) dayKey(day time.Time) string {
	y, m, d := c.ymd(day)
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// dayLabel is "۱۴۰۴/۱۲/۲۹" for fa and "2026-03-20" (or "1404/12/29") for en.
func (c *calendar) dayLabel(day time.Time) string {
	y, m, d := c.ymd(day)
	if c.jalali {
		return c.digits(fmt.Sprintf("%04d/%02d/%02d", y, m, d))
	}
	return c.digits(fmt.Sprintf("%04d-%02d-%02d", y, m, d))
}

// weekStart returns the first day of day's week: Saturday in the Jalali
// calendar, Monday in the Gregorian.
func (c *calendar) weekStart(day time.Time) time.Time {
	return day.AddDate(0, 0, -c.weekday(day))
}

// weekday returns day's place in the week, 0 for its first day.
func (c *calendar) weekday(day time.Time) int {
	if c.jalali {
		return (int(day.Weekday()) + 1) % 7 // Saturday 0 … Friday 6
	}
	return (int(day.Weekday()) + 6) % 7 // Monday 0 … Sunday 6
}

// weekdayKeys name the weekdays in each calendar's order.
func (c *calendar) weekdayKey(i int) string {
	if c.jalali {
		return [...]string{"sat", "sun", "mon", "tue", "wed", "thu", "fri"}[i]
	}
	return [...]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}[i]
}

func (c *calendar) weekdayLabel(i int) string {
	if c.fa {
		day := ptime.Weekday(i) // Shanbeh is 0
		if !c.jalali {
			day = ptime.Weekday((i + 2) % 7)
		}
		return day.String()
	}
	k := c.weekdayKey(i)
	return strings.ToUpper(k[:1]) + k[1:]
}

// monthStart returns the first day of day's month.
func (c *calendar) monthStart(day time.Time) time.Time {
	if c.jalali {
		p := persian(day)
		return day.AddDate(0, 0, 1-p.Day())
	}
	return day.AddDate(0, 0, 1-day.Day())
}

// monthKey is "1404-12" or "2026-03".
func (c *calendar) monthKey(day time.Time) string {
	y, m, _ := c.ymd(day)
	return fmt.Sprintf("%04d-%02d", y, m)
}

// monthLabel is "اسفند ۱۴۰۴", "Esfand 1404", "March 2026" or "۲۰۲۶-۰۳".
func (c *calendar) monthLabel(day time.Time) string {
	y, m, _ := c.ymd(day)
	switch {
	case c.jalali && c.fa:
		return ptime.Month(m).String() + " " + c.digits(strconv.Itoa(y))
	case c.jalali:
		names := [...]string{"Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
			"Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"}
		return names[m-1] + " " + strconv.Itoa(y)
	case c.fa:
		return c.digits(fmt.Sprintf("%04d-%02d", y, m))
	}
	return time.Month(m).String() + " " + strconv.Itoa(y)
}

// monthDay returns day's day of the month.
func (c *calendar) monthDay(day time.Time) int {
	_, _, d := c.ymd(day)
	return d
}

// digits writes Persian digits for fa.
func (c *calendar) digits(s string) string {
	if !c.fa {
		return s
	}
	return crm.PersianDigits(s)
}
