package web

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/web/auth"
)

// Login limits: failures counted per e-mail address and per client IP
// address over loginWindow. The IP limit is higher because an office
// behind one NAT address shares it.
const (
	loginWindow     = 15 * time.Minute
	loginEmailFails = 5
	loginIPFails    = 20
)

// logins serves the login form and logout.
type logins struct {
	*Server
	page *template.Template
}

// authRoutes registers the login form and logout; off without Sessions.
func (s *Server) authRoutes(mux *http.ServeMux) {
	if s.Sessions == nil {
		return
	}
	// The page is embedded: a parse error is a bug that every test catches.
	l := &logins{Server: s, page: template.Must(template.ParseFS(loginFiles, "tmpl/login.html"))}
	mux.HandleFunc("GET /login", l.loginForm)
	mux.HandleFunc("POST /login", l.login)
	s.handlePage(mux, auth.RoleAgent, "POST /logout", l.logout)
}

// loginForm shows the login form, or sends a signed-in browser on.
func (s *logins) loginForm(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if _, _, err := s.session(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, s.newLoginPage(r, next))
}

// login checks the e-mail and password, within the rate limits, and
// starts a session.
func (s *logins) login(w http.ResponseWriter, r *http.Request) {
	if err := s.origins.Check(r); err != nil {
		writeShortPage(w, http.StatusForbidden, "", "error.forbidden")
		return
	}
	// Nobody is signed in yet: a login form is a few hundred bytes.
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	page := s.newLoginPage(r, localPath(r.PostFormValue("next")))
	page.Email = email
	ip := clientIP(r)
	// Each attempt counts as a failure before the password is checked, so
	// a burst of parallel attempts meets the limit too; the ones that do
	// not fail are forgiven below.
	ew, iw := s.emailLimit.take(email), s.ipLimit.take(ipKey(ip))
	if wait := max(ew, iw); wait > 0 {
		if ew == 0 {
			s.emailLimit.forgive(email)
		}
		if iw == 0 {
			s.ipLimit.forgive(ipKey(ip))
		}
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		page.Error = fmt.Sprintf(page.T["limited"], (secs+59)/60)
		s.log.Warn("login rate-limited", "email", email, "ip", ip, "retry_after_s", secs)
		s.renderLogin(w, r, http.StatusTooManyRequests, page)
		return
	}
	u, err := s.Sessions.Login(r.Context(), email, r.PostFormValue("password"))
	if errors.Is(err, crm.ErrNotFound) { // counted by take
		s.log.Info("login failed", "email", email, "ip", ip)
		page.Error = page.T["wrong"]
		s.renderLogin(w, r, http.StatusUnauthorized, page)
		return
	}
	var token string
	if err == nil {
		s.emailLimit.reset(email)
		s.ipLimit.forgive(ipKey(ip))
	} else {
		// Not a wrong password (the database failed): not the caller's fault.
		s.emailLimit.forgive(email)
		s.ipLimit.forgive(ipKey(ip))
	}
	if err == nil {
		if old, cerr := r.Cookie(sessionCookie); cerr == nil {
			err = s.Sessions.DeleteSession(r.Context(), old.Value) // a new id at every login
		}
	}
	if err == nil {
		token, _, err = s.Sessions.CreateSession(r.Context(), u.ID, auth.SessionInfo{UserAgent: r.UserAgent(), IP: ip})
	}
	if err != nil {
		s.log.Error("login failed", "err", err)
		page.Error = page.T["internal"]
		s.renderLogin(w, r, http.StatusInternalServerError, page)
		return
	}
	http.SetCookie(w, s.sessionCookie(r, token, int(auth.SessionMax/time.Second)))
	s.log.Info("signed in", "user_id", u.ID, "ip", ip)
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

// logout ends the caller's session and clears its cookie.
func (s *logins) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Sessions.DeleteSession(r.Context(), c.Value); err != nil {
			writeError(w, s.log, err)
			return
		}
	}
	http.SetCookie(w, s.sessionCookie(r, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// sessionCookie returns the session cookie: HttpOnly, SameSite=Lax, for
// the whole site, Secure over TLS or when the server is configured so
// (behind a TLS-terminating proxy). maxAge -1 deletes it.
func (s *Server) sessionCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || s.CookieSecure}
}
