package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// auditCount returns how many audit events have the action.
func auditCount(t *testing.T, e *uiEnv, action string) int {
	t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// override returns the body of the stored override of followup.nudge
// in locale, "" when there is none.
func override(t *testing.T, e *uiEnv, locale string) string {
	t.Helper()
	var body string
	_ = e.pool.QueryRow(context.Background(), `SELECT body FROM templates WHERE name = 'followup.nudge' AND locale = $1 AND kind = 'text'`, locale).Scan(&body)
	return body
}

// TestTemplateSettings edits a template from the settings page in fa and
// en: the list, the editor's preview for the sample contact (Persian
// name, Jalali date and Persian digits on fa), the preview button and
// the preview fragment app.js fetches (nothing saved), a refused template
// shown with its problem and line beside the editor in the page's
// language (nothing saved), a save and a reset, each audited.
func TestTemplateSettings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		locale                        string
		sample, date, listed, problem string
		line, unsafe                  string
	}{
		{"fa", "سارا احمدی", "۱۵ فروردین ۱۴۰۵", "تغییر یافته", "فیلد ناشناخته", "خط ۲", "می\u200cتواند اسکریپت اجرا کند"},
		{"en", "Sara", "4 April 2026", "Changed", "Unknown field", "line 2", "can run script"},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, c.locale)
			path := "/settings/templates/followup.nudge/" + c.locale + "/text"
			if resp, _ := e.get(path); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("agent: %d", resp.StatusCode)
			}
			e.becomeAdmin()
			resp, body := e.get("/settings/templates?kind=text&locale=" + c.locale)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+path+`"`) || strings.Contains(body, "/email\"") {
				t.Fatalf("list: %d\n%s", resp.StatusCode, body)
			}
			resp, body = e.get(path)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, c.sample) || !strings.Contains(body, `id="preview-output"`) {
				t.Fatalf("editor: %d, sample %q missing\n%s", resp.StatusCode, c.sample, body)
			}

			draft := "{{dateLong .Due}} · {{firstName}} · {{digits .Conversation.Ref}}"
			resp, body = e.post(path, url.Values{"op": {"preview"}, "body": {draft}})
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, c.date) || override(t, e, c.locale) != "" {
				t.Errorf("preview button: %d, %q missing or saved\n%s", resp.StatusCode, c.date, body)
			}
			resp, body = e.post("/settings/templates/preview", url.Values{"name": {"followup.nudge"}, "locale": {c.locale}, "kind": {"text"}, "body": {draft}})
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, c.date) || strings.Contains(body, "<html") {
				t.Errorf("preview fragment: %d\n%s", resp.StatusCode, body)
			}

			before := auditCount(t, e, "template.update")
			resp, body = e.post(path, url.Values{"op": {"save"}, "body": {"Hi\n{{.Contact.Nmae}}"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.problem) || !strings.Contains(body, c.line) ||
				!strings.Contains(html.UnescapeString(body), "{{.Contact.Nmae}}") {
				t.Errorf("refused template: %d, want 422 with %q and %q\n%s", resp.StatusCode, c.problem, c.line, body)
			}
			if override(t, e, c.locale) != "" || auditCount(t, e, "template.update") != before {
				t.Error("a refused template was saved")
			}
			if resp, _ := e.post(path, url.Values{"body": {"{{if}}"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("parse error: %d", resp.StatusCode)
			}

			resp, _ = e.post(path, url.Values{"op": {"save"}, "body": {"سلام {{.Contact.FirstName}}، خبری نشد؟"}})
			if resp.StatusCode != http.StatusSeeOther || override(t, e, c.locale) == "" || auditCount(t, e, "template.update") != before+1 {
				t.Fatalf("save: %d", resp.StatusCode)
			}
			if _, body = e.get("/settings/templates?locale=" + c.locale); !strings.Contains(body, c.listed) {
				t.Errorf("the list does not mark the override %q", c.listed)
			}
			// An email template: subject and HTML preview; HTML that runs
			// script is refused beside the HTML part.
			email := "/settings/templates/followup.nudge/" + c.locale + "/email"
			resp, body = e.get(email)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `class="preview-subject"`) || !strings.Contains(body, `class="preview-html"`) {
				t.Errorf("email editor: %d\n%s", resp.StatusCode, body)
			}
			resp, body = e.post(email, url.Values{"subject": {"s"}, "body": {"b"}, "html": {"<p>x</p>\n<img src=x onerror=alert(1)>"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.unsafe) || !strings.Contains(body, c.line) {
				t.Errorf("unsafe HTML: %d, want %q on %q\n%s", resp.StatusCode, c.unsafe, c.line, body)
			}
			resp, _ = e.post(path+"/reset", url.Values{})
			if resp.StatusCode != http.StatusSeeOther || override(t, e, c.locale) != "" || auditCount(t, e, "template.reset") != 1 {
				t.Errorf("reset: %d", resp.StatusCode)
			}
		})
	}
}
