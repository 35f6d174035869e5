package schedule

import (
	"fmt"
	"time"
)

// jalaliBreaks are the years that start a new leap-year cycle of the
// Jalali (Solar Hijri) calendar, from the algorithm of Kazimierz
// Borkowski that jalaali-js and most converters use; it matches the
// official calendar from 1178 to 1633 AP at least.
var jalaliBreaks = [...]int{-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192,
	2262, 2324, 2394, 2456, 3178}

// nowruz returns the Gregorian date of 1 Farvardin of Jalali year jy (a
// midnight in UTC).
func nowruz(jy int) time.Time {
	gy := jy + 621
	leapJ, jp, jump := -14, jalaliBreaks[0], 0
	for _, jm := range jalaliBreaks[1:] {
		jump = jm - jp
		if jy < jm {
			break
		}
		leapJ += jump/33*8 + jump%33/4
		jp = jm
	}
	n := jy - jp
	leapJ += n/33*8 + (n%33+3)/4
	if jump%33 == 4 && jump-n == 4 {
		leapJ++
	}
	leapG := gy/4 - (gy/100+1)*3/4 - 150
	return time.Date(gy, time.March, 20+leapJ-leapG, 0, 0, 0, 0, time.UTC)
}

// JalaliDate returns the Gregorian date ("2006-01-02") of day jd of month
// jm (1 Farvardin … 12 Esfand) of Jalali year jy.
func JalaliDate(jy, jm, jd int) string {
	day := jd - 1
	if jm <= 6 {
		day += (jm - 1) * 31
	} else {
		day += 186 + (jm-7)*30
	}
	return nowruz(jy).AddDate(0, 0, day).Format(time.DateOnly)
}

// JalaliYear returns the Jalali year that t's date (in t's zone) falls in.
func JalaliYear(t time.Time) int {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	jy := y - 621
	if day.Before(nowruz(jy)) {
		jy--
	}
	return jy
}

// JalaliOf returns the Jalali date ("1405-01-01") of a Gregorian date
// ("2026-03-21"); ok is false when date is not one.
func JalaliOf(date string) (string, bool) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "", false
	}
	jy := JalaliYear(t)
	day := int(t.Sub(nowruz(jy)).Hours() / 24)
	jm, jd := day/31+1, day%31+1
	if day >= 186 {
		jm, jd = (day-186)/30+7, (day-186)%30+1
	}
	return fmt.Sprintf("%04d-%02d-%02d", jy, jm, jd), true
}
