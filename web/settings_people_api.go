package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/audit"
	"github.com/peykhq/peyk/web/auth"
)

// people is what the people pages, the audit log and their API need of
// the accounts (auth.Store implements it).
type people interface {
	People(ctx context.Context) ([]auth.Person, error)
	UserByID(ctx context.Context, id int64) (auth.User, error)
	UpdateUser(ctx context.Context, actor, id int64, c auth.Change) (auth.User, error)
	SetActive(ctx context.Context, actor, id int64, active bool) (auth.User, error)
	ResetPassword(ctx context.Context, actor, id int64, password string) (auth.User, error)
	IssueToken(ctx context.Context, actor, userID int64, name string, expires time.Time) (string, auth.Token, error)
	Tokens(ctx context.Context, userID int64) ([]auth.Token, error)
	RevokeToken(ctx context.Context, actor, owner, id int64) (auth.Token, error)
	AuditLog(ctx context.Context, q audit.Query) (audit.Page, error)
}

// peopleAPI registers the API of people, API tokens and the audit log.
// Admins manage everyone; an agent lists, creates and revokes their own
// tokens only.
func (s *Server) peopleAPI(mux *http.ServeMux) {
	agent, admin := auth.RoleAgent, auth.RoleAdmin
	s.handle(mux, admin, "PATCH /api/v1/users/{id}", s.updateUser)
	s.handle(mux, admin, "POST /api/v1/users/{id}/deactivate", s.activateUser(false))
	s.handle(mux, admin, "POST /api/v1/users/{id}/activate", s.activateUser(true))
	s.handle(mux, admin, "POST /api/v1/users/{id}/password", s.resetPassword)
	s.handle(mux, agent, "GET /api/v1/tokens", s.listTokens)
	s.handle(mux, agent, "POST /api/v1/tokens", s.createToken)
	s.handle(mux, agent, "DELETE /api/v1/tokens/{id}", s.revokeToken)
	s.handle(mux, admin, "GET /api/v1/audit", s.auditLog)
}

// withPassword is a user and, when Peyk made it up, their new password:
// in this one answer only.
type withPassword struct {
	auth.User
	Password string `json:"password,omitempty"`
}

// updateUser changes a user's name, role or locale.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name   *string `json:"name"`
		Role   *string `json:"role"`
		Locale *string `json:"locale"`
	}
	var u auth.User
	id, err := pathID(r)
	if err == nil {
		err = decode(r, &in)
	}
	if err == nil {
		u, err = s.Accounts.UpdateUser(r.Context(), userOf(r).ID, id, auth.Change{Name: in.Name, Role: in.Role, Locale: in.Locale})
	}
	s.respond(w, http.StatusOK, u, err)
}

// activateUser deactivates (sessions and tokens revoked) or reactivates a
// user.
func (s *Server) activateUser(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var u auth.User
		id, err := pathID(r)
		if err == nil {
			u, err = s.Accounts.SetActive(r.Context(), userOf(r).ID, id, active)
		}
		s.respond(w, http.StatusOK, u, err)
	}
}

// resetPassword sets a user's password, the one given or a generated one
// it answers with once; the user's sessions end.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Password string `json:"password"`
	}
	var out withPassword
	id, err := pathID(r)
	if err == nil && r.ContentLength != 0 {
		err = decode(r, &in)
	}
	generated := false
	if err == nil && in.Password == "" {
		in.Password, generated = auth.GeneratePassword(), true
	}
	if err == nil {
		out.User, err = s.Accounts.ResetPassword(r.Context(), userOf(r).ID, id, in.Password)
	}
	if generated {
		out.Password = in.Password
	}
	s.respond(w, http.StatusOK, out, err)
}

// tokenOwner is whose tokens the caller asks about: user_id (admins
// only, 0 for everyone's) or the caller.
func tokenOwner(r *http.Request, asked string) (int64, error) {
	me := userOf(r)
	if asked == "" {
		return me.ID, nil
	}
	id, err := strconv.ParseInt(crm.FoldDigits(asked), 10, 64)
	if err != nil || id < 0 {
		return 0, fmt.Errorf("user_id %q: %w", asked, crm.ErrInvalid)
	}
	if id != me.ID && me.Role != auth.RoleAdmin {
		return 0, fmt.Errorf("tokens of user %d: %w", id, errForbidden)
	}
	return id, nil
}

// listTokens lists the caller's API tokens, or (admins) those of
// user_id, or everyone's with user_id=0.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	var ts []auth.Token
	owner, err := tokenOwner(r, r.URL.Query().Get("user_id"))
	if err == nil {
		ts, err = s.Accounts.Tokens(r.Context(), owner)
	}
	s.respond(w, http.StatusOK, map[string]any{"tokens": ts}, err)
}

// issuedToken is a new API token: the token, in this one answer only,
// and its listing.
type issuedToken struct {
	Secret string `json:"token"`
	auth.Token
}

// createToken makes an API token for the caller or (admins) user_id,
// answering with the token once.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name      string    `json:"name"`
		ExpiresAt time.Time `json:"expires_at"`
		UserID    int64     `json:"user_id"`
	}
	var out issuedToken
	err := decode(r, &in)
	owner := userOf(r).ID
	if err == nil && in.UserID != 0 {
		owner, err = tokenOwner(r, strconv.FormatInt(in.UserID, 10))
	}
	if err == nil {
		out.Secret, out.Token, err = s.Accounts.IssueToken(r.Context(), userOf(r).ID, owner, in.Name, in.ExpiresAt)
	}
	s.respond(w, http.StatusCreated, out, err)
}

// revokeToken revokes an API token: any (admins) or the caller's own.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	var t auth.Token
	id, err := pathID(r)
	if err == nil {
		me := userOf(r)
		owner := me.ID
		if me.Role == auth.RoleAdmin {
			owner = 0
		}
		t, err = s.Accounts.RevokeToken(r.Context(), me.ID, owner, id)
	}
	s.respond(w, http.StatusOK, t, err)
}

// auditLog returns a page of the audit log: actor (a user id or
// "system"), action (one, or a kind ending in a dot), subject_type
// (default everything but conversations; * for everything), from and to
// (days, inclusive; Jalali accepted), after (the page before's next) and
// limit.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	var p audit.Page
	q, err := auditQuery(r.URL.Query())
	if err == nil {
		p, err = s.Accounts.AuditLog(r.Context(), q)
	}
	s.respond(w, http.StatusOK, p, err)
}
