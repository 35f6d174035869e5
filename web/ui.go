package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/web/auth"
)

// ui is the agent web app: server-rendered pages over the same inbox and
// crm functions the API calls.
type ui struct {
	*Server
	views *views
	loc   *time.Location
	mail  *bluemonday.Policy
	// colours caches the tags' colours (settings_tags.go).
	colours *tagColours
}

// uiRoutes registers the agent web app: the inbox, conversations,
// contacts, their actions, attachments and the static files. It is off
// (no routes) without an Inbox.
func (s *Server) uiRoutes(mux *http.ServeMux) {
	if s.Inbox == nil {
		return
	}
	loc := templates.Tehran()
	v, err := newViews(loc, s.Kinds)
	if err != nil {
		panic(err) // the views are embedded: a parse error is a bug a test catches
	}
	u := &ui{Server: s, views: v, loc: loc, mail: mailPolicy(), colours: &tagColours{store: s.Tags}}
	v.bind(map[string]any{"tagClass": u.colours.class})
	page := func(pattern string, h http.HandlerFunc) { s.handlePage(mux, auth.RoleAgent, pattern, h) }
	mux.Handle("GET /static/", staticFiles())
	page("GET /{$}", u.inbox)
	page("GET /inbox/list", u.inboxList)
	page("GET /conversations/{id}", u.conversation)
	page("GET /conversations/{id}/timeline", u.timeline)
	page("GET /conversations/{id}/messages/{message}/html", u.mailHTML)
	page("POST /conversations/{id}/reply", u.convAction(u.reply))
	page("POST /conversations/{id}/note", u.convAction(u.note))
	page("POST /conversations/{id}/assign", u.convAction(u.assign))
	page("POST /conversations/{id}/status", u.convAction(u.status))
	page("POST /conversations/{id}/priority", u.convAction(u.priority))
	page("POST /conversations/{id}/remind", u.convAction(u.remind))
	page("GET /attachments/{message}/{position}", u.attachment)
	page("GET /contacts", u.contacts)
	page("GET /contacts/{id}", u.contact)
	page("POST /contacts/{id}/merge", u.merge)
	page("POST /contacts/{id}/unmerge", u.unmerge)
	page("POST /locale", u.setLocale)
	u.settingsRoutes(mux)
	s.failPage = u.fail
}

// pageData is what the layout renders around every page's View.
type pageData struct {
	Locale, Dir    string
	Title, Nav     string
	Section        string // the settings section shown, for its menu
	Page           string // the view's name, for app.js
	Search         string // the search box's text
	Back           string // this page's path, where the language switch returns
	CSRF           string
	User           auth.User
	ConversationID int64
	View           any
}

// locale returns the caller's UI locale: fa or en (fa when unset).
func locale(r *http.Request) string {
	return templates.Match(userOf(r).Locale, templates.Persian)
}

// show renders the page d describes with the status.
func (u *ui) show(w http.ResponseWriter, status int, d pageData) {
	if err := u.views.render(w, d.Locale, d.Page, "", status, d); err != nil {
		u.log.Error("render page", "page", d.Page, "err", err)
	}
}

// fragment renders one named template of page name, for app.js to swap in.
func (u *ui) fragment(w http.ResponseWriter, r *http.Request, name, fragment string, data any) {
	if err := u.views.render(w, locale(r), name, fragment, http.StatusOK, data); err != nil {
		u.log.Error("render fragment", "page", name, "fragment", fragment, "err", err)
	}
}

func (u *ui) pageData(r *http.Request, name, nav, title string, view any) pageData {
	loc := locale(r)
	d := pageData{Locale: loc, Dir: "ltr", Nav: nav, Page: name, CSRF: csrfToken(r), User: userOf(r),
		Back: r.URL.RequestURI(), View: view}
	if loc == templates.Persian {
		d.Dir = "rtl"
	}
	d.Title = translator{fa: loc == templates.Persian}.t(title)
	return d
}

// fail shows err as an error page with its status and, in the caller's
// language, what kind of error it is (never err's own text); a server
// fault is logged, and a 503 has Retry-After.
func (u *ui) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := pageError(err, translator{fa: locale(r) == templates.Persian})
	switch status {
	case http.StatusInternalServerError:
		u.log.Error("page failed", "path", r.URL.Path, "err", err)
	case http.StatusServiceUnavailable:
		u.log.Warn("page failed: a service it needs is unreachable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", RetryAfter)
	}
	u.show(w, status, u.pageData(r, "error", "", "error.title", map[string]any{"Status": status, "Message": msg}))
}

// back redirects (303, after a POST) to target, a path on this site (else
// to /).
func back(w http.ResponseWriter, r *http.Request, target string) {
	http.Redirect(w, r, localPath(target), http.StatusSeeOther)
}

// formInt reads form field name as a positive number (Persian digits
// allowed); an empty field is 0.
func formInt(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(crm.FoldDigits(r.FormValue(name)))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, withReason("error.not_number", fmt.Errorf("%s %q is not a number: %w", name, v, crm.ErrInvalid))
	}
	return n, nil
}

// formTime reads a datetime-local form field as a time in loc.
func formTime(r *http.Request, name string, loc *time.Location) (time.Time, error) {
	v := strings.TrimSpace(crm.FoldDigits(r.FormValue(name)))
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, withReason("error.not_time", fmt.Errorf("%s %q is not a date and time: %w", name, v, crm.ErrInvalid))
}
