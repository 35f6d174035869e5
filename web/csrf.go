package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
)

// The CSRF token travels in this header (scripts) or form field (forms).
const (
	csrfHeader = "X-CSRF-Token"
	csrfField  = "csrf_token"
)

// checkCSRF guards an unsafe request (anything but GET, HEAD and OPTIONS)
// authenticated by a session cookie: it must not come from another origin
// (Sec-Fetch-Site, else Origin against Host) and must carry the session's
// synchronizer token. Safe requests pass. The error wraps errForbidden.
func (s *Server) checkCSRF(r *http.Request, want string) error {
	if safeMethod(r.Method) {
		return nil
	}
	if err := s.origins.Check(r); err != nil {
		return fmt.Errorf("%v: %w", err, errForbidden)
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return fmt.Errorf("CSRF token missing or wrong (send the %s header or the %s form field; reload the page): %w",
			csrfHeader, csrfField, errForbidden)
	}
	return nil
}

// safeMethod reports whether method changes nothing, by HTTP's rules.
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}
