package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzUIForms feeds the UI's form readers arbitrary input: they return a
// value or an error, never panic; a number read is never negative, a time
// read is in the zone asked for, and the inbox filter survives a round
// trip through its query string.
func FuzzUIForms(f *testing.F) {
	for _, s := range []string{"", "42", "۴۲", "-1", "2026-03-21T10:00", "۲۰۲۶-۰۳-۲۱T۱۰:۰۰", "2026-02-30T10:00",
		"tomorrow", "99999999999999999999", "status=open&channel=2&q=%D8%B3", "assignee=me&tag=vip&cursor=abc"} {
		f.Add(s)
	}
	loc := time.FixedZone("+0330", 12600)
	f.Fuzz(func(t *testing.T, s string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"n": {s}, "at": {s}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if n, err := formInt(r, "n"); err == nil && n < 0 {
			t.Errorf("formInt(%q) = %d", s, n)
		}
		if at, err := formTime(r, "at", loc); err == nil && !at.IsZero() && at.Location() != loc {
			t.Errorf("formTime(%q) in %v", s, at.Location())
		}
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		f1 := readInboxFilter(q)
		f2 := readInboxFilter(f1.values())
		f1.Cursor = ""
		if f1 != f2 {
			t.Errorf("round trip of %q: %+v then %+v", s, f1, f2)
		}
	})
}
