package templates

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	ptime "github.com/yaa110/go-persian-calendar"
)

// Funcs returns the template functions that do not depend on a message's
// data — the calendar, clock and digit functions and default — for locale,
// showing times in loc (nil means Asia/Tehran). The web UI may add them to
// its own html/template views; README.md describes each.
func Funcs(locale string, loc *time.Location) map[string]any {
	if loc == nil {
		loc = Tehran()
	}
	c := clock{fa: locale == Persian, loc: loc}
	return map[string]any{
		"jalali":        c.layout(jalali),
		"jalaliLong":    c.layout(jalaliLong),
		"gregorian":     c.layout(gregorian),
		"gregorianLong": c.layout(gregorianLong),
		"date":          c.layout(c.pick(jalali, gregorian)),
		"dateLong":      c.layout(c.pick(jalaliLong, gregorianLong)),
		"time":          c.layout(c.clock),
		"weekday":       c.layout(c.weekday),
		"faDigits":      faDigits,
		"digits":        c.digits,
		"default":       orDefault,
	}
}

// clock formats times in a zone for a locale.
type clock struct {
	fa  bool
	loc *time.Location
}

// layout turns a formatter of times into a template function that takes a
// time.Time, a *time.Time or a date string, and renders a zero time as "".
func (c clock) layout(format func(time.Time) string) func(any) (string, error) {
	return func(v any) (string, error) {
		t, err := c.at(v)
		if err != nil || t.IsZero() {
			return "", err
		}
		return format(t.In(c.loc)), nil
	}
}

// pick returns fa for Persian and en otherwise.
func (c clock) pick(fa, en func(time.Time) string) func(time.Time) string {
	if c.fa {
		return fa
	}
	return en
}

func jalali(t time.Time) string {
	p := ptime.New(t)
	return faDigits(fmt.Sprintf("%04d/%02d/%02d", p.Year(), int(p.Month()), p.Day()))
}

func jalaliLong(t time.Time) string {
	p := ptime.New(t)
	return faDigits(fmt.Sprintf("%d %s %d", p.Day(), p.Month(), p.Year()))
}

func gregorian(t time.Time) string     { return t.Format("2006-01-02") }
func gregorianLong(t time.Time) string { return t.Format("2 January 2006") }

func (c clock) clock(t time.Time) string {
	return c.digits(t.Format("15:04"))
}

func (c clock) weekday(t time.Time) string {
	if c.fa {
		return ptime.New(t).Weekday().String()
	}
	return t.Weekday().String()
}

// digits writes v's digits as the locale does: Persian digits for fa,
// ASCII digits otherwise.
func (c clock) digits(v any) string {
	if c.fa {
		return faDigits(v)
	}
	return mapDigits(str(v), '0')
}

// faDigits writes v with Persian digits (۰۱۲۳۴۵۶۷۸۹) in place of ASCII and
// Arabic-Indic ones.
func faDigits(v any) string { return mapDigits(str(v), '۰') }

// mapDigits rewrites the ASCII, Persian and Arabic-Indic digits in s as
// the digits starting at zero.
func mapDigits(s string, zero rune) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return zero + r - '0'
		case r >= '۰' && r <= '۹':
			return zero + r - '۰'
		case r >= '٠' && r <= '٩':
			return zero + r - '٠'
		}
		return r
	}, s)
}

// at reads v as a time: a time.Time, a *time.Time, or a string holding an
// RFC 3339 time, "2006-01-02 15:04", or a date such as 2026-04-04,
// 2026/04/04 or (a year before 1700 being Jalali) ۱۴۰۵/۰۱/۱۵. A date
// without a zone is taken in c's zone; nil and "" are the zero time.
func (c clock) at(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v, nil
	case *time.Time:
		if v == nil {
			return time.Time{}, nil
		}
		return *v, nil
	case string:
		return c.parse(v)
	}
	return time.Time{}, fmt.Errorf("want a time, got %T", v)
}

func (c clock) parse(s string) (time.Time, error) {
	s = strings.TrimSpace(mapDigits(s, '0'))
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, c.loc); err == nil {
			return t, nil
		}
	}
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' })
	var n [3]int
	ok := len(f) == 3
	for i := 0; ok && i < 3; i++ {
		var err error
		n[i], err = strconv.Atoi(f[i])
		ok = err == nil && len(f[i]) <= 4
	}
	switch y, m, d := n[0], n[1], n[2]; {
	case !ok || m < 1 || m > 12 || d < 1 || d > 31:
	case y >= 1700 && y <= 9999:
		if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, c.loc); t.Day() == d {
			return t, nil
		}
	case y >= 1200 && (m <= 6 || d <= 30):
		return ptime.Date(y, ptime.Month(m), d, 0, 0, 0, 0, c.loc).Time(), nil
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a date", s)
}

// str writes v as text: numbers without exponents, nil as "".
func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	}
	return fmt.Sprint(v)
}

// orDefault is the default function: v, or def when v is empty (nil, zero,
// blank text, an empty list or map).
func orDefault(def, v any) any {
	if empty(v) {
		return def
	}
	return v
}

func empty(v any) bool {
	if v == nil {
		return true
	}
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s) == ""
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	}
	return rv.IsZero()
}
