package web

import (
	"embed"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/peykhq/peyk/templates"
)

//go:embed tmpl/login.html
var loginFiles embed.FS

// loginPage is what tmpl/login.html renders.
type loginPage struct {
	Lang, Dir   string
	T           map[string]string
	Email, Next string
	Error       string
	// Switch links to this page in the other language.
	Switch string
}

// newLoginPage returns the login page for r's language (?lang=, else
// Accept-Language, else English) that leads on to next.
func (s *logins) newLoginPage(r *http.Request, next string) loginPage {
	lang := loginLang(r)
	p := loginPage{Lang: lang, Dir: "ltr", T: loginText(lang), Next: next}
	other := templates.Persian
	if lang == templates.Persian {
		p.Dir, other = "rtl", templates.English
	}
	p.Switch = "/login?" + url.Values{"lang": {other}, "next": {next}}.Encode()
	return p
}

func (s *logins) renderLogin(w http.ResponseWriter, r *http.Request, status int, p loginPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := s.page.Execute(w, p); err != nil {
		s.log.Error("login page", "err", err, "path", r.URL.Path)
	}
}

// loginLang picks fa or en: ?lang= first, then the first of them in
// Accept-Language, else en.
func loginLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return templates.Match(l, templates.English)
	}
	for _, tag := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ = strings.Cut(tag, ";")
		if m := templates.Match(tag, ""); m != "" {
			return m
		}
	}
	return templates.English
}

// localPath returns p when it is a path on this site, else "/": a login
// link must not send anyone elsewhere.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, `\`) ||
		u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return p
}

// clientIP is the address the request came from (the proxy's, behind a
// reverse proxy).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ipKey is what the per-IP login limit counts: the address, or for IPv6
// its /64 network, which one user usually holds whole.
func ipKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Unmap().Is4() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// loginText is the login page's strings, the "login." keys of the UI
// catalogue (messages), for lang.
func loginText(lang string) map[string]string {
	tr := translator{fa: lang == templates.Persian}
	m := make(map[string]string, len(loginKeys))
	for _, k := range loginKeys {
		m[k] = tr.t("login." + k)
	}
	return m
}

// loginKeys are the keys login.html and the login handler read from
// loginPage.T.
var loginKeys = []string{"title", "email", "password", "submit", "wrong", "limited", "internal", "switch"}
