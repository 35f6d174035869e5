package web_test

import (
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, nil)
	for _, path := range []string{"/login", "/healthz", "/api/v1/nope", "/nope"} {
		t.Run(path, func(t *testing.T) {
			resp, _ := f.do(t, f.client(t), "GET", path, "", nil)
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'",
				"base-uri 'none'", "frame-ancestors 'none'", "frame-src 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %s", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP %q allows inline code", csp)
			}
			for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
				if got := resp.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			if resp.Header.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS on plain HTTP")
			}
		})
	}
}
