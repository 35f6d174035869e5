package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/templates"
)

// uiFiles holds the agent UI's views (tmpl/) and static files (static/).
//
//go:embed tmpl/*.html static
var uiFiles embed.FS

// views are the agent UI's parsed pages, one set per locale so that each
// set carries its own translation, calendar and digit functions.
type views struct {
	byLocale map[string]map[string]*template.Template
}

// pageNames are the views that render a whole page; fragments are named
// templates inside them (see fragment).
var pageNames = []string{"inbox", "conversation", "contacts", "contact", "error"}

// newViews parses every page for fa and en. Times show in loc; channel
// kinds are labelled by their drivers in kinds (nil: web/i18n.go's).
func newViews(loc *time.Location, kinds *channels.Registry) (*views, error) {
	v := &views{byLocale: map[string]map[string]*template.Template{}}
	for _, locale := range []string{templates.Persian, templates.English} {
		base, err := template.New("layout.html").Funcs(uiFuncs(locale, loc, kinds)).
			ParseFS(uiFiles, "tmpl/layout.html", "tmpl/parts.html")
		if err != nil {
			return nil, fmt.Errorf("web: views: %w", err)
		}
		set := map[string]*template.Template{}
		for _, name := range pageNames {
			t, err := template.Must(base.Clone()).ParseFS(uiFiles, "tmpl/"+name+".html")
			if err != nil {
				return nil, fmt.Errorf("web: view %s: %w", name, err)
			}
			set[name] = t
		}
		v.byLocale[locale] = set
	}
	return v, nil
}

// render writes page name (or, with fragment set, only that named
// template of it) in locale to w with the status.
func (v *views) render(w http.ResponseWriter, locale, name, fragment string, status int, data any) error {
	t := v.byLocale[templates.Match(locale, templates.Persian)][name]
	if t == nil {
		return fmt.Errorf("web: no view %q", name)
	}
	if fragment == "" {
		fragment = "layout.html"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, fragment, data); err != nil {
		writeShortPage(w, http.StatusInternalServerError, templates.Match(locale, templates.Persian), "error.internal")
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// staticFiles serves web/static under /static/; the files change only
// with the binary, so browsers may keep them for a day.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(uiFiles, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// uiFuncs are the views' functions for locale: the catalogue (t), the
// calendar and digit functions of package templates (date, time, digits,
// dateLong…) and a few of the UI's own.
func uiFuncs(locale string, loc *time.Location, kinds *channels.Registry) template.FuncMap {
	fa := locale == templates.Persian
	tr := translator{fa: fa}
	f := template.FuncMap(templates.Funcs(locale, loc))
	date, clock, digits := f["date"].(func(any) (string, error)), f["time"].(func(any) (string, error)), f["digits"].(func(any) string)
	f["t"] = tr.t
	f["settingsSections"] = func() []settingsSection { return settingsSections }
	f["tagClass"] = func(string) string { return "tag-gray" } // bound to the tags' colours by ui.bind
	f["datetime"] = func(v any) (string, error) {
		d, err := date(v)
		if err != nil || d == "" {
			return d, err
		}
		c, err := clock(v)
		return d + " " + c, err
	}
	datetime := f["datetime"].(func(any) (string, error))
	f["say"] = func(text *schedule.Text, body string) string {
		return tr.say(text, body, func(name, v string) string {
			return sayArg(name, v, datetime, digits)
		})
	}
	f["ago"] = func(t time.Time) string { return ago(tr, digits, time.Since(t)) }
	f["iso"] = func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	f["duration"] = func(sec int64) string {
		return digits(fmt.Sprintf("%d:%02d", sec/60, sec%60))
	}
	f["size"] = func(n int64) string { return digits(byteSize(n)) }
	// failReason is a stored delivery error as the agent reads it: a
	// reason every kind shares (a closed reply window) in the page's
	// language, anything else in the provider's words.
	f["failReason"] = func(err string) string {
		if strings.Contains(err, channels.ErrWindowClosed.Error()) {
			return tr.t("conv.closed")
		}
		return err
	}
	// kindLabel names a channel or identity kind as its driver does, or
	// a timeline entry's kind ("note") from messages.
	f["kindLabel"] = func(k any) string {
		kind := fmt.Sprint(k)
		if l, ok := kinds.Label(kind, fa); ok {
			return l
		}
		if _, ok := messages["kind."+kind]; ok {
			return tr.t("kind." + kind)
		}
		return tr.t("kind.other")
	}
	f["deref"] = func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	return f
}

// ago says how long ago d was, roughly: minutes, hours, then days.
func ago(tr translator, digits func(any) string, d time.Duration) string {
	switch {
	case d < time.Minute:
		return tr.t("ago.now")
	case d < time.Hour:
		return tr.t("ago.min", digits(int64(d/time.Minute)))
	case d < 24*time.Hour:
		return tr.t("ago.hour", digits(int64(d/time.Hour)))
	}
	return tr.t("ago.day", digits(int64(d/(24*time.Hour))))
}

// byteSize writes n bytes as B, KB or MB.
func byteSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
