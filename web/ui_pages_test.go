package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestUIPages renders every page in Persian and in English: the layout's
// direction and language, the calendar and the digits follow the agent's
// locale.
func TestUIPages(t *testing.T) {
	t.Parallel()
	for _, locale := range []string{"fa", "en"} {
		t.Run(locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, locale)
			html := `<html lang="en" dir="ltr">`
			date, ref := "2026-03-21", "#1001"
			if locale == "fa" {
				// Nowruz 1405 in the Jalali calendar, with Persian digits.
				html, date, ref = `<html lang="fa" dir="rtl">`, "۱۴۰۵/۰۱/۰۱", "#۱۰۰۱"
			}
			pages := []struct {
				name, path string
				want       []string
			}{
				{"inbox", "/?status=all", []string{"Support mail", `data-conversation="` + fmt.Sprint(e.mailConv) + `"`, "سلام، یخچال"}},
				{"inbox filtered", "/?channel=" + fmt.Sprint(e.telegram) + "&assignee=none", []string{"سلام، یخچال"}},
				{"conversation", fmt.Sprintf("/conversations/%d", e.mailConv), []string{date, ref, "invoice.pdf",
					fmt.Sprintf(`/attachments/%d/0`, e.mailMsg), `<iframe sandbox src="/conversations/`, "sara@example.com"}},
				{"call", fmt.Sprintf("/conversations/%d", e.callConv), []string{date, `class="entry call`}},
				{"contacts", "/contacts?q=" + url.QueryEscape("sara"), []string{fmt.Sprintf(`href="/contacts/%d"`, e.other), "sara.a@example.org"}},
				{"contacts by phone", "/contacts?q=" + url.QueryEscape("۰۹۱۲۱۲۳۴۵۶۷"), []string{fmt.Sprintf(`href="/contacts/%d"`, e.contact), "4242"}},
				{"contact", fmt.Sprintf("/contacts/%d", e.contact), []string{date, "sara@example.com", "4242", `action="/contacts/`}},
			}
			for _, p := range pages {
				t.Run(p.name, func(t *testing.T) {
					resp, body := e.get(p.path)
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("%s: %d %s", p.path, resp.StatusCode, body)
					}
					for _, w := range append(p.want, html, `<link rel="stylesheet" href="/static/app.css">`, `name="csrf-token" content="`+e.csrf+`"`) {
						if !strings.Contains(body, w) {
							t.Errorf("%s: no %q in\n%s", p.path, w, body)
						}
					}
				})
			}
		})
	}
}

// TestUIFragments checks the pieces app.js swaps in live: the timeline
// and the inbox rows, without the layout.
func TestUIFragments(t *testing.T) {
	t.Parallel()
	e := newUIEnv(t, "en")
	cases := []struct{ path, want string }{
		{fmt.Sprintf("/conversations/%d/timeline", e.chatConv), `<ol class="timeline" id="timeline"`},
		{"/inbox/list?status=all", `<ul class="rows" id="rows">`},
	}
	for _, c := range cases {
		resp, body := e.get(c.path)
		if resp.StatusCode != 200 || !strings.HasPrefix(strings.TrimSpace(body), c.want) || strings.Contains(body, "<html") {
			t.Errorf("%s: %d %q", c.path, resp.StatusCode, body)
		}
	}
}

// TestUINeedsSession: without a session every page sends the browser to
// the login form, and static files need none.
func TestUINeedsSession(t *testing.T) {
	t.Parallel()
	e := newUIEnv(t, "en")
	anon := &http.Client{CheckRedirect: e.client.CheckRedirect}
	for _, path := range []string{"/", fmt.Sprintf("/conversations/%d", e.mailConv), "/contacts",
		fmt.Sprintf("/attachments/%d/0", e.mailMsg)} {
		resp, err := anon.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, path := range []string{"/static/app.js", "/static/app.css"} {
		resp, err := anon.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

// TestUIAttachment: a download is an attachment with its stored type and
// nosniff, never shown inline.
func TestUIAttachment(t *testing.T) {
	t.Parallel()
	e := newUIEnv(t, "en")
	resp, body := e.get(fmt.Sprintf("/attachments/%d/0", e.mailMsg))
	want := map[string]string{
		"Content-Type":           "application/pdf",
		"Content-Disposition":    `attachment; filename=invoice.pdf`,
		"X-Content-Type-Options": "nosniff",
	}
	if resp.StatusCode != 200 || body != "%PDF-1.4 test" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Errorf("CSP %q does not sandbox the download", csp)
	}
	for _, path := range []string{fmt.Sprintf("/attachments/%d/7", e.mailMsg), "/attachments/x/0"} {
		if resp, _ := e.get(path); resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

// TestUIOlderMessages pages back through a long timeline: the newest page
// links to the older one, which is not live.
func TestUIOlderMessages(t *testing.T) {
	t.Parallel()
	e := newUIEnv(t, "en")
	for i := range 55 {
		if _, err := e.ib.AddNote(context.Background(), e.user.ID, e.chatConv, fmt.Sprintf("note %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	_, body := e.get(fmt.Sprintf("/conversations/%d", e.chatConv))
	i := strings.Index(body, `id="older"`)
	if i < 0 || !strings.Contains(body, "note 54") || strings.Contains(body, ">note 3<") {
		t.Fatalf("newest page: %s", body)
	}
	href := body[strings.LastIndex(body[:i], `href="`)+6 : i-2]
	resp, older := e.get(strings.ReplaceAll(href, "&amp;", "&"))
	if resp.StatusCode != 200 || !strings.Contains(older, ">note 3<") || strings.Contains(older, "note 54") ||
		strings.Contains(older, `data-fragment=`) {
		t.Errorf("older page %s: %d %s", href, resp.StatusCode, older)
	}
}
