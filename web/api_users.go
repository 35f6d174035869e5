package web

import (
	"net/http"

	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web/auth"
)

// listUsers returns every user (for assignee pickers): with the accounts,
// as the people page lists them (active first, with availability and
// when last seen).
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	if s.Accounts != nil {
		ps, err := s.Accounts.People(r.Context())
		s.respond(w, http.StatusOK, map[string]any{"users": ps}, err)
		return
	}
	us, err := s.Inbox.Agents(r.Context())
	s.respond(w, http.StatusOK, map[string]any{"users": us}, err)
}

// createUser adds an agent or admin (admins only); without a password
// Peyk makes one up and answers with it, once.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Role     string `json:"role"`
		Password string `json:"password"`
		Locale   string `json:"locale"`
	}
	var out withPassword
	err := decode(r, &in)
	generated := in.Password == ""
	if generated {
		in.Password = auth.GeneratePassword() // answered once, below
	}
	if err == nil {
		out.User, err = s.Accounts.CreateUser(r.Context(), auth.NewUser{Email: in.Email, Name: in.Name, Role: in.Role,
			Password: in.Password, Locale: in.Locale, By: userOf(r).ID})
	}
	if generated {
		out.Password = in.Password
	}
	s.respond(w, http.StatusCreated, out, err)
}

// listTeams returns every team with its members.
func (s *Server) listTeams(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Inbox.Teams(r.Context())
	s.respond(w, http.StatusOK, map[string]any{"teams": ts}, err)
}

// getMe returns the caller.
func (s *Server) getMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, userOf(r))
}

// updateMe changes the caller's own name, locale (fa or en) and
// availability (available true, or false for away).
func (s *Server) updateMe(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name      *string `json:"name"`
		Locale    *string `json:"locale"`
		Available *bool   `json:"available"`
	}
	var a inbox.Agent
	err := decode(r, &in)
	if err == nil {
		a, err = s.Inbox.SetProfile(r.Context(), userOf(r).ID, in.Name, in.Locale)
	}
	if err == nil && in.Available != nil {
		a, err = s.Inbox.SetAvailable(r.Context(), userOf(r).ID, *in.Available)
	}
	s.respond(w, http.StatusOK, a, err)
}
