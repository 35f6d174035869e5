package web

import (
	"net/http"

	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web/auth"
)

// scoped returns the inbox as the caller sees it under the team_visibility
// setting: the API and the pages reach conversations only through it.
// Should the setting be unreadable, an agent is restricted (the request
// most likely fails anyway: the database is down).
func (s *Server) scoped(r *http.Request) inbox.Scoped {
	u := userOf(r)
	admin := u.Role == auth.RoleAdmin
	v, err := s.Inbox.ViewerFor(r.Context(), u.ID, admin)
	if err != nil {
		s.log.Warn("team visibility: cannot read the setting; restricting", "user_id", u.ID, "err", err)
		v = inbox.Viewer{UserID: u.ID, Restricted: !admin}
	}
	return s.Inbox.As(v)
}
