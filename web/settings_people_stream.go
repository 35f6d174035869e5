package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/peykhq/peyk/web/auth"
)

// signedOut returns the user whose sessions ended (deactivated, or their
// password reset) when ev says so (auth.SignedOut), else 0. A stream of
// that user checks its session or token again (stillSignedIn) and ends
// when it no longer holds: a stream is otherwise authenticated only when
// it opens.
func signedOut(ev hubEvent) int64 {
	if !strings.Contains(ev.data, auth.SignedOut) {
		return 0
	}
	var e struct {
		Type   string `json:"type"`
		UserID int64  `json:"user_id"`
	}
	if json.Unmarshal([]byte(ev.data), &e) != nil || e.Type != auth.SignedOut {
		return 0
	}
	return e.UserID
}

// stillSignedIn reports whether r's session cookie or token still
// authenticates its caller; when the database cannot say, it does.
func (s *Server) stillSignedIn(r *http.Request) bool {
	_, _, err := s.caller(r)
	return !errors.Is(err, errUnauthorized)
}
