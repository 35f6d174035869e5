package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestSettingsShell checks the settings area's frame: admins see it in
// the menu and get its index with every section; an agent gets a 403
// page in the app's layout and language, not a bare page.
func TestSettingsShell(t *testing.T) {
	t.Parallel()
	cases := []struct {
		locale, section string
	}{
		{"fa", "کاربران"},
		{"en", "People"},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, c.locale)
			t.Run("agent", func(t *testing.T) {
				resp, body := e.get("/settings")
				if resp.StatusCode != http.StatusForbidden {
					t.Fatalf("agent: %d", resp.StatusCode)
				}
				for _, want := range []string{`<html lang="` + c.locale, `<link rel="stylesheet" href="/static/app.css">`, `href="/contacts"`} {
					if !strings.Contains(body, want) {
						t.Errorf("403 page has no %q:\n%s", want, body)
					}
				}
				if _, inbox := e.get("/"); strings.Contains(inbox, `href="/settings"`) {
					t.Error("an agent's menu links to the settings")
				}
			})
			t.Run("admin", func(t *testing.T) {
				e.becomeAdmin()
				resp, body := e.get("/settings")
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("admin: %d %s", resp.StatusCode, body)
				}
				for _, want := range []string{`href="/settings" aria-current="page"`, `href="/settings/audit"`, c.section} {
					if !strings.Contains(body, want) {
						t.Errorf("settings index has no %q", want)
					}
				}
			})
		})
	}
}
