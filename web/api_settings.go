package web

import (
	"net/http"

	"github.com/peykhq/peyk/inbox"
)

// listSettings returns the workspace settings (admin): each key with its
// value and whether it is stored or the server's configured default.
func (s *Server) listSettings(w http.ResponseWriter, r *http.Request) {
	ss, err := s.Inbox.Settings(r.Context())
	s.respond(w, http.StatusOK, map[string]any{"settings": ss}, err)
}

// putSetting stores one setting (admin): PUT /api/v1/settings/{key} with
// {"value": "on"}; an unknown key is 404, a bad value 400.
func (s *Server) putSetting(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Value string `json:"value"`
	}
	err := decode(r, &in)
	var set inbox.Setting
	if err == nil {
		set, err = s.Inbox.SetSetting(r.Context(), userOf(r).ID, r.PathValue("key"), in.Value)
	}
	s.respond(w, http.StatusOK, set, err)
}
