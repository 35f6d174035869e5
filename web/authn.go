package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/audit"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/web/auth"
)

type ctxKey int

const (
	userKey ctxKey = iota
	csrfKey
)

// sessionCookie names the cookie that carries a browser's session id.
const sessionCookie = "peyk_session"

// Users authenticates API callers.
type Users interface {
	UserByToken(ctx context.Context, token string) (auth.User, error)
}

// Sessions signs browsers in and out (auth.Store implements it).
type Sessions interface {
	Login(ctx context.Context, email, password string) (auth.User, error)
	CreateSession(ctx context.Context, userID int64, info auth.SessionInfo) (string, auth.Session, error)
	SessionByToken(ctx context.Context, token string) (auth.User, auth.Session, error)
	DeleteSession(ctx context.Context, token string) error
}

// requireRole wraps h so that only a caller with a valid API token or
// session cookie and role (admin passes every check) reaches it: 401
// without either, 403 with too small a role or, for an unsafe request made
// with the cookie, without the session's CSRF token (see checkCSRF).
func (s *Server) requireRole(role string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, csrf, err := s.caller(r)
		if err != nil {
			writeError(w, s.log, err)
			return
		}
		if csrf != "" {
			if err := s.checkCSRF(r, csrf); err != nil {
				writeError(w, s.log, err)
				return
			}
		}
		if !allowed(u, role) {
			writeError(w, s.log, errForbidden)
			return
		}
		h(w, withCaller(r, u, csrf))
	}
}

// requirePage is requireRole for the browser's pages: only the session
// cookie counts, and a caller without a valid session is sent to /login
// (303) instead of getting a JSON 401. Errors are a short page in the
// caller's language (writePageError).
func (s *Server) requirePage(role string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, csrf, err := s.session(r)
		if errors.Is(err, errUnauthorized) {
			to := "/login"
			if r.Method == http.MethodGet {
				to += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		if err == nil {
			err = s.checkCSRF(r, csrf)
		}
		if err == nil && !allowed(u, role) {
			err = errForbidden
		}
		if err != nil && u.ID != 0 && s.failPage != nil {
			s.failPage(w, withCaller(r, u, csrf), err)
			return
		}
		if err != nil {
			lang := "" // nobody known yet: both languages
			if u.ID != 0 {
				lang = templates.Match(u.Locale, templates.Persian)
			}
			s.writePageError(w, r, lang, err)
			return
		}
		h(w, withCaller(r, u, csrf))
	}
}

// handlePage registers a browser page at pattern behind requirePage(role)
// and records it for Pages(). Pages are not in Routes(), which lists the
// API.
func (s *Server) handlePage(mux *http.ServeMux, role, pattern string, h http.HandlerFunc) {
	s.pages = append(s.pages, Route{Pattern: pattern, Role: role})
	mux.HandleFunc(pattern, s.requirePage(role, h))
}

// caller authenticates r by its Bearer token, else by its session cookie.
// It returns the session's CSRF token, empty for a Bearer caller.
func (s *Server) caller(r *http.Request) (auth.User, string, error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return s.session(r)
	}
	token, ok := strings.CutPrefix(header, "Bearer ")
	if token = strings.TrimSpace(token); !ok || token == "" || s.Users == nil {
		return auth.User{}, "", errUnauthorized
	}
	u, err := s.Users.UserByToken(r.Context(), token)
	if errors.Is(err, crm.ErrNotFound) {
		return auth.User{}, "", errUnauthorized
	}
	if err != nil {
		return auth.User{}, "", err // the database is down: 500, not 401
	}
	return u, "", nil
}

// session authenticates r by its session cookie and returns the user and
// the session's CSRF token.
func (s *Server) session(r *http.Request) (auth.User, string, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || s.Sessions == nil {
		return auth.User{}, "", errUnauthorized
	}
	u, ss, err := s.Sessions.SessionByToken(r.Context(), c.Value)
	if errors.Is(err, crm.ErrNotFound) {
		return auth.User{}, "", errUnauthorized
	}
	if err != nil {
		return auth.User{}, "", err
	}
	return u, ss.CSRF, nil
}

// allowed reports whether u may call a route that needs role.
func allowed(u auth.User, role string) bool {
	return role != auth.RoleAdmin || u.Role == auth.RoleAdmin
}

func withCaller(r *http.Request, u auth.User, csrf string) *http.Request {
	ctx := context.WithValue(r.Context(), userKey, u)
	ctx = audit.WithActor(ctx, u.ID) // stores that record their own events name the caller
	return r.WithContext(context.WithValue(ctx, csrfKey, csrf))
}

// userOf returns the caller that requireRole or requirePage let through.
func userOf(r *http.Request) auth.User {
	u, _ := r.Context().Value(userKey).(auth.User)
	return u
}

// csrfToken returns the CSRF token of the caller's session, for forms
// (field csrf_token) and scripts (header X-CSRF-Token); empty for a caller
// authenticated by Bearer token.
func csrfToken(r *http.Request) string {
	t, _ := r.Context().Value(csrfKey).(string)
	return t
}
