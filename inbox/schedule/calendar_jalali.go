package schedule

import (
	"fmt"
	"time"

	ptime "github.com/yaa110/go-persian-calendar"
)

// The Jalali (Solar Hijri) calendar's arithmetic is go-persian-calendar's,
// the one the templates and the reports use.

// nowruz returns the Gregorian date of 1 Farvardin of Jalali year jy (a
// midnight in UTC).
func nowruz(jy int) time.Time { return jalaliMidnight(jy, 1, 1) }

// jalaliMidnight returns day jd of month jm of Jalali year jy, a midnight in
// UTC.
func jalaliMidnight(jy, jm, jd int) time.Time {
	return ptime.Date(jy, ptime.Month(jm), jd, 0, 0, 0, 0, time.UTC).Time()
}

// JalaliDate returns the Gregorian date ("2006-01-02") of day jd of month
// jm (1 Farvardin … 12 Esfand) of Jalali year jy.
func JalaliDate(jy, jm, jd int) string {
	return jalaliMidnight(jy, jm, jd).Format(time.DateOnly)
}

// JalaliYear returns the Jalali year that t's date (in t's zone) falls in.
func JalaliYear(t time.Time) int {
	y, m, d := t.Date()
	return ptime.New(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)).Year()
}

// JalaliOf returns the Jalali date ("1405-01-01") of a Gregorian date
// ("2026-03-21"); ok is false when date is not one.
func JalaliOf(date string) (string, bool) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "", false
	}
	p := ptime.New(t)
	return fmt.Sprintf("%04d-%02d-%02d", p.Year(), int(p.Month()), p.Day()), true
}
