package web

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/peykhq/peyk/templates"
)

// errorKeys are the catalogue keys of what a page says for each error
// code of statusOf: pages never show a Go error's text, which is English
// and may name tables or ids.
var errorKeys = map[string]string{
	"not_found":    "error.not_found",
	"invalid":      "error.invalid",
	"conflict":     "error.conflict",
	"unauthorized": "error.unauthorized",
	"forbidden":    "error.forbidden",
	"unavailable":  "error.unavailable",
	"internal":     "error.internal",
}

// pageError returns the status of err and the sentence a page shows for
// it in the language of tr: the reason it carries for people (a
// reasonError), else one by its kind. A fault of the server (5xx) is
// logged by the caller, not described.
func pageError(err error, tr translator) (int, string) {
	status, code := statusOf(err)
	if re, ok := errors.AsType[*reasonError](err); ok && status < http.StatusInternalServerError {
		return status, tr.t(re.key)
	}
	return status, tr.t(errorKeys[code])
}

// reasonError is an error of bad input that carries a sentence meant for
// people: a catalogue key, shown by pages in the reader's language.
type reasonError struct {
	key string
	err error
}

func (e *reasonError) Error() string { return e.err.Error() }
func (e *reasonError) Unwrap() error { return e.err }

// withReason returns err carrying the catalogue key of a sentence that
// tells people what was wrong.
func withReason(key string, err error) error { return &reasonError{key: key, err: err} }

// bilingual returns key's text in Persian and then English, for a page
// shown to someone whose language is not known yet.
func bilingual(key string) string {
	return translator{fa: true}.t(key) + " — " + translator{}.t(key)
}

// writePageError answers a browser with a short HTML page saying, in
// lang (fa or en; both, Persian first, when "": nobody is signed in yet),
// what kind of error err is; a 503 has Retry-After. It is for answers
// before or outside the agent UI's views (sign-in and CSRF checks, the
// reports page).
func (s *Server) writePageError(w http.ResponseWriter, r *http.Request, lang string, err error) {
	status, code := statusOf(err)
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("page failed", "path", r.URL.Path, "err", err)
	case http.StatusServiceUnavailable:
		s.log.Warn("page failed: a service it needs is unreachable", "path", r.URL.Path, "err", err)
	}
	writeShortPage(w, status, lang, errorKeys[code])
}

// shortPage is a page of one sentence, in one language or in both.
var shortPage = template.Must(template.New("short").Parse(`<!doctype html>
<html lang="{{.Lang}}" dir="{{.Dir}}"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><h1>{{.Title}} {{.Status}}</h1><p>{{.Text}}</p></body></html>
`))

// writeShortPage answers status with the text of catalogue key in lang
// (fa or en; "" for both).
func writeShortPage(w http.ResponseWriter, status int, lang, key string) {
	d := struct {
		Lang, Dir, Title, Text string
		Status                 int
	}{Lang: "fa", Dir: "rtl", Title: bilingual("error.title"), Text: bilingual(key), Status: status}
	if lang != "" {
		tr := translator{fa: lang == templates.Persian}
		d.Lang, d.Title, d.Text = lang, tr.t("error.title"), tr.t(key)
		if !tr.fa {
			d.Dir = "ltr"
		}
	}
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", RetryAfter)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = shortPage.Execute(w, d)
}

// wantsHTML reports whether r comes from a browser navigating (its
// Accept names text/html), not from an API client.
func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}
