package templates

import (
	"strings"
	"testing"
	"time"
)

// call runs the template function name of Funcs(locale, loc) on v.
func call(t *testing.T, locale string, loc *time.Location, name string, v any) string {
	t.Helper()
	switch f := Funcs(locale, loc)[name].(type) {
	case func(any) (string, error):
		s, err := f(v)
		if err != nil {
			t.Fatalf("%s(%v): %v", name, v, err)
		}
		return s
	case func(any) string:
		return f(v)
	default:
		t.Fatalf("no function %s", name)
	}
	return ""
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCalendar(t *testing.T) {
	cases := []struct {
		name              string
		at                time.Time
		loc               *time.Location
		jalali, long      string
		gregorian, gLong  string
		clock, weekdayFa  string
		dateEn, weekdayEn string
	}{
		{"last minute of 1404 in Tehran", utc("2026-03-20T20:29:59Z"), nil,
			"۱۴۰۴/۱۲/۲۹", "۲۹ اسفند ۱۴۰۴", "2026-03-20", "20 March 2026", "۲۳:۵۹", "جمعه", "2026-03-20", "Friday"},
		{"Nowruz 1405 at Tehran midnight", utc("2026-03-20T20:30:00Z"), nil,
			"۱۴۰۵/۰۱/۰۱", "۱ فروردین ۱۴۰۵", "2026-03-21", "21 March 2026", "۰۰:۰۰", "شنبه", "2026-03-21", "Saturday"},
		{"UTC midnight is 03:30 in Tehran", utc("2026-03-21T00:00:00Z"), nil,
			"۱۴۰۵/۰۱/۰۱", "۱ فروردین ۱۴۰۵", "2026-03-21", "21 March 2026", "۰۳:۳۰", "شنبه", "2026-03-21", "Saturday"},
		{"before UTC midnight is the next day in Tehran", utc("2026-03-20T23:59:00Z"), nil,
			"۱۴۰۵/۰۱/۰۱", "۱ فروردین ۱۴۰۵", "2026-03-21", "21 March 2026", "۰۳:۲۹", "شنبه", "2026-03-21", "Saturday"},
		{"the same instant in UTC is still 1404", utc("2026-03-20T20:30:00Z"), time.UTC,
			"۱۴۰۴/۱۲/۲۹", "۲۹ اسفند ۱۴۰۴", "2026-03-20", "20 March 2026", "۲۰:۳۰", "جمعه", "2026-03-20", "Friday"},
		{"Esfand 30 of leap 1403", utc("2025-03-20T08:00:00Z"), nil,
			"۱۴۰۳/۱۲/۳۰", "۳۰ اسفند ۱۴۰۳", "2025-03-20", "20 March 2025", "۱۱:۳۰", "پنج\u200cشنبه", "2025-03-20", "Thursday"},
		{"the sample call-back", utc("2026-04-04T06:30:00Z"), nil,
			"۱۴۰۵/۰۱/۱۵", "۱۵ فروردین ۱۴۰۵", "2026-04-04", "4 April 2026", "۱۰:۰۰", "شنبه", "2026-04-04", "Saturday"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct{ locale, fn, want string }{
				{"fa", "jalali", tc.jalali},
				{"en", "jalali", tc.jalali},
				{"fa", "jalaliLong", tc.long},
				{"fa", "gregorian", tc.gregorian},
				{"fa", "gregorianLong", tc.gLong},
				{"fa", "date", tc.jalali},
				{"fa", "dateLong", tc.long},
				{"en", "date", tc.dateEn},
				{"en", "dateLong", tc.gLong},
				{"fa", "time", tc.clock},
				{"en", "time", mapDigits(tc.clock, '0')},
				{"fa", "weekday", tc.weekdayFa},
				{"en", "weekday", tc.weekdayEn},
			} {
				if got := call(t, c.locale, tc.loc, c.fn, tc.at); got != c.want {
					t.Errorf("%s %s = %q, want %q", c.locale, c.fn, got, c.want)
				}
			}
		})
	}
}

func TestTimeArguments(t *testing.T) {
	due := utc("2026-04-04T06:30:00Z")
	cases := []struct {
		name string
		in   any
		want string // jalaliLong in Tehran
	}{
		{"time", due, "۱۵ فروردین ۱۴۰۵"},
		{"pointer", &due, "۱۵ فروردین ۱۴۰۵"},
		{"nil pointer", (*time.Time)(nil), ""},
		{"zero time", time.Time{}, ""},
		{"nil", nil, ""},
		{"empty string", "", ""},
		{"iso date", "2026-04-04", "۱۵ فروردین ۱۴۰۵"},
		{"slashed date", "2026/04/04", "۱۵ فروردین ۱۴۰۵"},
		{"rfc 3339", "2026-04-04T10:00:00+03:30", "۱۵ فروردین ۱۴۰۵"},
		{"rfc 3339 near midnight", "2026-03-20T20:30:00Z", "۱ فروردین ۱۴۰۵"},
		{"local date and time", "2026-03-20 23:59", "۲۹ اسفند ۱۴۰۴"},
		{"jalali", "1405/01/15", "۱۵ فروردین ۱۴۰۵"},
		{"jalali in persian digits", "۱۴۰۵/۰۱/۱۵", "۱۵ فروردین ۱۴۰۵"},
		{"jalali in arabic digits", "١٤٠٥-٠١-١٥", "۱۵ فروردین ۱۴۰۵"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := call(t, "fa", nil, "jalaliLong", tc.in); got != tc.want {
				t.Errorf("jalaliLong(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	for _, bad := range []any{"tomorrow", "2026-02-30", "1405/13/01", "99/01/01", 42} {
		if _, err := Funcs("fa", nil)["date"].(func(any) (string, error))(bad); err == nil {
			t.Errorf("date(%v) gave no error", bad)
		}
	}
}

func TestDigits(t *testing.T) {
	cases := []struct {
		name     string
		in       any
		fa, en   string
		faDigits string
	}{
		{"int", 1042, "۱۰۴۲", "1042", "۱۰۴۲"},
		{"int64", int64(-7), "-۷", "-7", "-۷"},
		{"float from json", 1.5e6, "۱۵۰۰۰۰۰", "1500000", "۱۵۰۰۰۰۰"},
		{"fraction", 2.25, "۲.۲۵", "2.25", "۲.۲۵"},
		{"latin text", "room 12, floor 3", "room ۱۲, floor ۳", "room 12, floor 3", "room ۱۲, floor ۳"},
		{"persian text", "اتاق ۱۲", "اتاق ۱۲", "اتاق 12", "اتاق ۱۲"},
		{"arabic-indic", "٤٥٦", "۴۵۶", "456", "۴۵۶"},
		{"nil", nil, "", "", ""},
		{"no digits", "سلام", "سلام", "سلام", "سلام"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := call(t, "fa", nil, "digits", tc.in); got != tc.fa {
				t.Errorf("fa digits = %q, want %q", got, tc.fa)
			}
			if got := call(t, "en", nil, "digits", tc.in); got != tc.en {
				t.Errorf("en digits = %q, want %q", got, tc.en)
			}
			if got := call(t, "en", nil, "faDigits", tc.in); got != tc.faDigits {
				t.Errorf("faDigits = %q, want %q", got, tc.faDigits)
			}
		})
	}
}

func TestDefaultFunc(t *testing.T) {
	cases := []struct {
		v     any
		empty bool
	}{
		{nil, true}, {"", true}, {"  \n", true}, {0, true}, {time.Time{}, true},
		{map[string]any{}, true}, {[]string(nil), true},
		{"x", false}, {7, false}, {utc("2026-04-04T06:30:00Z"), false}, {[]int{0}, false}, {false, true},
	}
	for _, tc := range cases {
		got := orDefault("fallback", tc.v)
		if (got == "fallback") != tc.empty {
			t.Errorf("default(fallback, %#v) = %#v", tc.v, got)
		}
	}
}

func TestPeopleFuncs(t *testing.T) {
	cases := []struct {
		name                      string
		locale                    string
		c                         Contact
		nameOut, first, contactOf string
	}{
		{"full", "fa", Contact{Name: " سارا احمدی ", FirstName: "سارا", Phone: "+989121234567"}, "سارا احمدی", "سارا", "سارا احمدی (+989121234567)"},
		{"email only", "en", Contact{Email: "a@example.com"}, "there", "there", "a@example.com"},
		{"nothing fa", "fa", Contact{}, "مشتری گرامی", "مشتری گرامی", "مشتری"},
		{"nothing en", "en", Contact{Name: "  "}, "there", "there", "the customer"},
		{"first name only", "en", Contact{FirstName: "Sara"}, "Sara", "Sara", "Sara"},
		{"name only", "en", Contact{Name: "Sara Ahmadi", Email: "s@example.com"}, "Sara Ahmadi", "Sara Ahmadi", "Sara Ahmadi (s@example.com)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tpl := Template{Name: "t", Locale: tc.locale, Kind: Text, Body: "{{name}}|{{firstName}}|{{contact}}"}
			r, err := tpl.Render(Data{Contact: tc.c})
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.nameOut + "|" + tc.first + "|" + tc.contactOf; r.Text != want {
				t.Errorf("got %q, want %q", r.Text, want)
			}
		})
	}
}

func TestAttrAndParagraphs(t *testing.T) {
	d := Data{Attributes: map[string]any{"plan": "gold", "visits": 3.0, "warranty_end": "1405/01/15"}}
	tpl := Template{Name: "t", Locale: "fa", Kind: Email, Subject: "{{attr \"plan\"}}",
		Body: `{{attr "plan"}} {{digits (attr "visits")}} [{{attr "missing"}}] {{dateLong (attr "warranty_end")}} {{paragraphs .Text}}`,
		HTML: `<div>{{paragraphs .Text}}</div>`}
	d.Text = "a < b\nline two\n\n\nsecond & last"
	r, err := tpl.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if want := "gold ۳ [] ۱۵ فروردین ۱۴۰۵ a < b\nline two\n\n\nsecond & last"; r.Text != want {
		t.Errorf("text = %q, want %q", r.Text, want)
	}
	if want := "<div><p>a &lt; b<br>\nline two</p>\n<p>second &amp; last</p></div>"; r.HTML != want {
		t.Errorf("html = %q, want %q", r.HTML, want)
	}
	if r.Subject != "gold" || r.Locale != "fa" {
		t.Errorf("subject %q locale %q", r.Subject, r.Locale)
	}
}

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{"fa": "fa", "FA-ir": "fa", "fa_IR": "fa", "en-GB": "en", "en": "en", "": "x", "de": "x", "english": "x"} {
		if got := Match(in, "x"); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSubjectIsOneLine(t *testing.T) {
	tpl := Template{Name: "t", Locale: "en", Kind: Email, Subject: "Re: {{name}}\n  [#{{.Conversation.Ref}}]", Body: "x"}
	r, err := tpl.Render(Data{Contact: Contact{Name: "Eve\r\nBcc: all@example.com"}, Conversation: Conversation{Ref: 7}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(r.Subject, "\r\n") || r.Subject != "Re: Eve Bcc: all@example.com [#7]" {
		t.Errorf("subject %q", r.Subject)
	}
}
