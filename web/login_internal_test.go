package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	cases := map[string]string{
		"":                          "/",
		"/":                         "/",
		"/conversations/7?tab=info": "/conversations/7?tab=info",
		"/contacts#x":               "/contacts#x",
		"//evil.example/":           "/",
		"/\\evil.example":           "/",
		"https://evil.example/":     "/",
		"javascript:alert(1)":       "/",
		"conversations/7":           "/",
		"/\t/evil.example":          "/",
		"/%2F/evil.example":         "/%2F/evil.example",
	}
	for in, want := range cases {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzLocalPath checks that no input leads a login redirect off the site,
// as Go and as a browser (which drops tabs and newlines and treats \ as /)
// would read it.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/inbox?q=x", "//evil", "/\\evil", "https://evil/", "/\t/evil", "/%09/evil", "\x00/"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://peyk.example/")
	f.Fuzz(func(t *testing.T, in string) {
		out := localPath(in)
		if out != "/" && out != in {
			t.Fatalf("localPath(%q) = %q: neither the input nor /", in, out)
		}
		browser := strings.Map(func(r rune) rune {
			switch r {
			case '\t', '\n', '\r':
				return -1
			case '\\':
				return '/'
			}
			return r
		}, out)
		u, err := url.Parse(browser)
		if err != nil {
			t.Fatalf("localPath(%q) = %q, which does not parse: %v", in, out, err)
		}
		if got := base.ResolveReference(u); got.Host != base.Host || got.Scheme != base.Scheme {
			t.Fatalf("localPath(%q) = %q leads to %s", in, out, got)
		}
	})
}

func TestLoginLang(t *testing.T) {
	cases := []struct{ query, accept, want string }{
		{"", "", "en"},
		{"", "fa", "fa"},
		{"", "fa-IR,en;q=0.5", "fa"},
		{"", "de,fr;q=0.8,fa;q=0.5", "fa"},
		{"", "en-GB,fa", "en"},
		{"lang=fa", "en", "fa"},
		{"lang=xx", "fa", "en"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/login?"+tc.query, nil)
		r.Header.Set("Accept-Language", tc.accept)
		if got := loginLang(r); got != tc.want {
			t.Errorf("loginLang(?%s, %q) = %q, want %q", tc.query, tc.accept, got, tc.want)
		}
	}
}

func TestIPKey(t *testing.T) {
	cases := map[string]string{
		"203.0.113.7":          "203.0.113.7",
		"::ffff:203.0.113.7":   "::ffff:203.0.113.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
		"fe80::1%eth0":         "fe80::/64",
		"not an address":       "not an address",
	}
	for in, want := range cases {
		if got := ipKey(in); got != want {
			t.Errorf("ipKey(%q) = %q, want %q", in, got, want)
		}
	}
}
