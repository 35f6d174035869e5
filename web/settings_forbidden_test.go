package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// TestAdminPagesForbidAgents walks every admin page the server registers
// (the settings area's sections and each of their pages, whoever added
// them): an agent gets the 403 page in the app's layout and language,
// for GET and POST alike, and an admin gets every page without a path
// parameter.
func TestAdminPagesForbidAgents(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ locale, forbidden string }{{"fa", `lang="fa"`}, {"en", `lang="en"`}} {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			var deps web.Deps
			e := newUIEnvWith(t, c.locale, func(d *web.Deps) { deps = *d })
			srv := web.New(deps)
			srv.Handler()
			var pages []web.Route
			for _, p := range srv.Pages() {
				if p.Role == auth.RoleAdmin {
					pages = append(pages, p)
				}
			}
			seen := map[string]bool{}
			for _, p := range pages {
				seen[p.Pattern] = true
			}
			for _, s := range web.SettingsPaths(srv) {
				if !seen["GET "+s] {
					t.Errorf("the settings menu links to %s, which is no admin page", s)
				}
			}
			if !seen["GET /settings/people/{id}"] || !seen["GET /settings/audit"] {
				t.Fatalf("people and audit pages missing from %v", pages)
			}
			fill := strings.NewReplacer("{id}", "1", "{token}", "1")
			for _, p := range pages {
				method, pattern, _ := strings.Cut(p.Pattern, " ")
				path := fill.Replace(pattern)
				t.Run(p.Pattern, func(t *testing.T) {
					var resp *http.Response
					var body string
					if method == http.MethodGet {
						resp, body = e.get(path)
					} else {
						resp, body = e.post(path, url.Values{})
					}
					if resp.StatusCode != http.StatusForbidden {
						t.Fatalf("agent: %d", resp.StatusCode)
					}
					for _, want := range []string{c.forbidden, `href="/static/app.css"`, `action="/logout"`} {
						if !strings.Contains(body, want) {
							t.Fatalf("the 403 page has no %q:\n%s", want, body)
						}
					}
				})
			}
			e.becomeAdmin()
			for _, p := range pages {
				method, pattern, _ := strings.Cut(p.Pattern, " ")
				if method != http.MethodGet || strings.Contains(pattern, "{") {
					continue
				}
				if resp, body := e.get(pattern); resp.StatusCode != http.StatusOK {
					t.Errorf("admin: %s answers %d\n%s", pattern, resp.StatusCode, body)
				}
			}
		})
	}
}
