package web

import (
	"encoding/json"
	"strings"

	"github.com/peykhq/peyk/web/auth"
)

// signedOut returns the user whose sessions ended (deactivated, or their
// password reset) when ev says so (auth.SignedOut), else 0. Their event
// streams end at once: a stream is authenticated only when it opens.
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
