package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/peykhq/peyk/crm"

	"github.com/peykhq/peyk/web/auth"
)

type ctxKey int

const userKey ctxKey = 0

// Users authenticates API callers.
type Users interface {
	UserByToken(ctx context.Context, token string) (auth.User, error)
}

// requireRole wraps h so that only a caller with a valid API token and
// role (admin passes every check) reaches it: 401 without a valid token,
// 403 with too small a role.
func (s *Server) requireRole(role string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" || s.Users == nil {
			writeError(w, s.log, errUnauthorized)
			return
		}
		u, err := s.Users.UserByToken(r.Context(), strings.TrimSpace(token))
		if errors.Is(err, crm.ErrNotFound) {
			writeError(w, s.log, errUnauthorized)
			return
		}
		if err != nil {
			writeError(w, s.log, err) // the database is down: 500, not 401
			return
		}
		if role == auth.RoleAdmin && u.Role != auth.RoleAdmin {
			writeError(w, s.log, errForbidden)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	}
}

// userOf returns the caller that requireRole let through.
func userOf(r *http.Request) auth.User {
	u, _ := r.Context().Value(userKey).(auth.User)
	return u
}
