package web

import (
	"io/fs"
	"regexp"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm/tags"
)

// TestCatalogueComplete: every key the views translate is in the
// catalogue, in both languages.
func TestCatalogueComplete(t *testing.T) {
	literal := regexp.MustCompile(`\bt "([^"]+)"`)
	prefixed := regexp.MustCompile(`\bt \(print "([^"]+)" `)
	files, err := fs.Glob(uiFiles, "tmpl/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal(err, files)
	}
	prefixes := map[string]bool{}
	for _, f := range files {
		b, err := fs.ReadFile(uiFiles, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllSubmatch(b, -1) {
			if _, ok := messages[string(m[1])]; !ok {
				t.Errorf("%s: key %q is not in the catalogue", f, m[1])
			}
		}
		for _, m := range prefixed.FindAllSubmatch(b, -1) {
			prefixes[string(m[1])] = true
		}
	}
	// The keys built from a prefix and a value (status., priority., msg.,
	// call.) cover every value the data can hold.
	values := map[string][]string{
		"status.":           {"open", "pending", "snoozed", "resolved", "all"},
		"priority.":         {"none", "low", "medium", "high", "urgent"},
		"msg.":              {"received", "queued", "sent", "delivered", "failed"},
		"call.":             {"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"},
		"channels.state.":   {channels.StateIdle, channels.StateRunning, channels.StateFailed, channels.StateStopped},
		"channels.done.":    {"created", "saved", "enabled", "disabled", "deleted", "setup_failed"},
		"tags.colour.":      tags.Palette,
		"templates.part.":   {"subject", "body", "html"},
		"templates.locale.": {"fa", "en"},
		"templates.kind.":   {"text", "email"},
	}
	for p := range prefixes {
		if values[p] == nil {
			t.Errorf("prefix %q: list its values in this test", p)
		}
		for _, v := range values[p] {
			if _, ok := messages[p+v]; !ok {
				t.Errorf("key %q is not in the catalogue", p+v)
			}
		}
	}
	for k, m := range messages {
		if m[0] == "" || m[1] == "" {
			t.Errorf("key %q lacks a translation", k)
		}
	}
}

// TestViewsParse parses every view in both languages.
func TestViewsParse(t *testing.T) {
	if _, err := newViews(time.UTC, nil); err != nil {
		t.Fatal(err)
	}
}

// TestAgo says how long ago, in each language's digits.
func TestAgo(t *testing.T) {
	cases := []struct {
		d      time.Duration
		fa, en string
	}{
		{10 * time.Second, "همین حالا", "just now"},
		{5 * time.Minute, "۵ دقیقه پیش", "5 min ago"},
		{3 * time.Hour, "۳ ساعت پیش", "3 h ago"},
		{50 * time.Hour, "۲ روز پیش", "2 d ago"},
	}
	for _, c := range cases {
		fa, en := uiFuncs("fa", time.UTC, nil)["ago"].(func(time.Time) string), uiFuncs("en", time.UTC, nil)["ago"].(func(time.Time) string)
		at := time.Now().Add(-c.d)
		if got := fa(at); got != c.fa {
			t.Errorf("fa %v: %q, want %q", c.d, got, c.fa)
		}
		if got := en(at); got != c.en {
			t.Errorf("en %v: %q, want %q", c.d, got, c.en)
		}
	}
}

// Channel and identity kinds are labelled by their drivers, in the
// page's language; a kind no driver declares is "Channel".
func TestKindLabelsFromRegistry(t *testing.T) {
	kinds, err := channels.NewRegistry(channels.Driver{Kind: "bale", Label: channels.Text{Fa: "بله", En: "Bale"},
		Identities: []channels.IdentitySpec{{Kind: "bale_id", Label: channels.Text{Fa: "شناسهٔ بله", En: "Bale id"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ locale, kind, want string }{
		{"fa", "bale", "بله"}, {"en", "bale", "Bale"}, {"en", "bale_id", "Bale id"},
		{"en", "note", "Note"}, {"en", "pigeon", "Channel"}, {"fa", "pigeon", "کانال"},
	} {
		label := uiFuncs(tc.locale, time.UTC, kinds)["kindLabel"].(func(any) string)
		if got := label(tc.kind); got != tc.want {
			t.Errorf("kindLabel(%s) in %s = %q, want %q", tc.kind, tc.locale, got, tc.want)
		}
	}
}
