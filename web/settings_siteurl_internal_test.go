package web

import (
	"net/http/httptest"
	"testing"
)

// TestSiteURL checks the base of the webhook URLs the channel settings
// show: the configured public URL, else the forwarded host and scheme,
// else the host the browser used.
func TestSiteURL(t *testing.T) {
	cases := []struct {
		name, public string
		headers      map[string]string
		want         string
	}{
		{"the browser's host", "", nil, "http://peyk.local:8080"},
		{"behind a proxy", "", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "peyk.example, inner"}, "https://peyk.example"},
		{"configured", "https://support.example/", map[string]string{"X-Forwarded-Host": "evil.example"}, "https://support.example"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := &ui{Server: New(Deps{PublicURL: c.public})}
			r := httptest.NewRequest("GET", "http://peyk.local:8080/settings/channels", nil)
			for k, v := range c.headers {
				r.Header.Set(k, v)
			}
			if got := u.siteURL(r); got != c.want {
				t.Fatalf("siteURL = %q, want %q", got, c.want)
			}
		})
	}
}
