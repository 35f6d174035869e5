package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMailFrameHeaders(t *testing.T) {
	w := httptest.NewRecorder()
	mailFrameHeaders(w)
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "sandbox", "frame-ancestors 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("mail frame CSP %q lacks %s", csp, want)
		}
	}
	if strings.Contains(csp, "script-src") || w.Header().Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("mail frame headers: %v", w.Header())
	}
}
