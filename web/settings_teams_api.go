package web

import (
	"net/http"

	"github.com/peykhq/peyk/inbox"
)

// The teams API: the same inbox functions as the teams settings pages.

// getTeam is GET /api/v1/teams/{id}: the team with its members (and
// their availability), channels and conversation count.
func (s *Server) getTeam(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var t inbox.TeamSummary
	if err == nil {
		t, err = s.Inbox.TeamSummaryByID(r.Context(), id)
	}
	s.respond(w, http.StatusOK, t, err)
}

// createTeam is POST /api/v1/teams {"name"}.
func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	var t inbox.TeamSummary
	err := decode(r, &in)
	if err == nil {
		var id int64
		if id, err = s.Inbox.AddTeam(r.Context(), userOf(r).ID, in.Name); err == nil {
			t, err = s.Inbox.TeamSummaryByID(r.Context(), id)
		}
	}
	s.respond(w, http.StatusCreated, t, err)
}

// renameTeam is PATCH /api/v1/teams/{id} {"name"}.
func (s *Server) renameTeam(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &in)
	}
	var t inbox.TeamSummary
	if err == nil {
		if err = s.Inbox.RenameTeam(r.Context(), userOf(r).ID, id, in.Name); err == nil {
			t, err = s.Inbox.TeamSummaryByID(r.Context(), id)
		}
	}
	s.respond(w, http.StatusOK, t, err)
}

// deleteTeam is DELETE /api/v1/teams/{id}: answers how many
// conversations lost their team.
func (s *Server) deleteTeam(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var n int
	if err == nil {
		n, err = s.Inbox.DeleteTeam(r.Context(), userOf(r).ID, id)
	}
	s.respond(w, http.StatusOK, map[string]any{"deleted": id, "conversations": n}, err)
}

// teamMember is PUT (add) and DELETE (remove)
// /api/v1/teams/{id}/members/{user}.
func (s *Server) teamMember(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var user int64
	if err == nil {
		user, err = parseID("user", r.PathValue("user"))
	}
	if err == nil {
		err = s.Inbox.SetTeamMember(r.Context(), userOf(r).ID, id, user, r.Method == http.MethodPut)
	}
	s.respond(w, http.StatusNoContent, nil, err)
}

// teamChannel is PUT /api/v1/teams/{id}/channels/{channel} (the
// channel's new conversations start in the team) and DELETE (in no team).
func (s *Server) teamChannel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var ch int64
	if err == nil {
		ch, err = parseID("channel", r.PathValue("channel"))
	}
	if err == nil {
		if r.Method == http.MethodDelete {
			id = 0
		}
		err = s.Inbox.RouteChannel(r.Context(), userOf(r).ID, ch, id)
	}
	s.respond(w, http.StatusNoContent, nil, err)
}
