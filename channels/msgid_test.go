package channels_test

import (
	"regexp"
	"testing"

	"github.com/peykhq/peyk/channels"
)

func TestNewMessageID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ from, domain string }{
		{"help@shop.ir", "shop.ir"},
		{"Support <help@shop.ir>", "shop.ir"},
		{"a@b@mail.example.com", "mail.example.com"},
		{"", "peyk.local"},
		{"nobody", "peyk.local"},
		{"trailing@", "peyk.local"},
		{"<x@>", "peyk.local"},
	} {
		t.Run(tc.from, func(t *testing.T) {
			want := regexp.MustCompile(`^peyk\.[a-z2-7]{16}@` + regexp.QuoteMeta(tc.domain) + `$`)
			a, b := channels.NewMessageID(tc.from), channels.NewMessageID(tc.from)
			if !want.MatchString(a) || !want.MatchString(b) {
				t.Fatalf("NewMessageID(%q) = %q, %q; want %s", tc.from, a, b, want)
			}
			if a == b {
				t.Fatalf("two Message-IDs alike: %q", a)
			}
		})
	}
}
