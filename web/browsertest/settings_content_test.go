package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/peykhq/peyk/web/browsertest"
)

// asAdmin signs the Env's Persian agent in as an admin (fa), or the
// English admin (en).
func asAdmin(t *testing.T, env *browsertest.Env, b *browsertest.Browser, locale string) {
	t.Helper()
	email := env.Admin.Email
	if locale == "fa" {
		if _, err := env.Pool.Exec(context.Background(), `UPDATE users SET role = 'admin' WHERE id = $1`, env.Agent.ID); err != nil {
			t.Fatal(err)
		}
		email = env.Agent.Email
	}
	b.Login(email, browsertest.Password)
}

// TestTemplateEditor edits a template in Chromium, in fa and en: the
// preview follows what is typed (the sample contact, Jalali dates and
// Persian digits on fa), a mistake shows its reason as it is typed, and
// the save is kept.
func TestTemplateEditor(t *testing.T) {
	cases := []struct {
		locale, typed, preview, problem string
	}{
		{"fa", "سلام {{firstName}}، موعد شما {{dateLong .Due}} است. {{digits .Conversation.Ref}}", "سلام سارا، موعد شما ۱۵ فروردین ۱۴۰۵ است. ۱۰۴۲", "فیلد ناشناخته"},
		{"en", "Hi {{firstName}}, see you on {{dateLong .Due}}. #{{.Conversation.Ref}}", "Hi Sara, see you on 4 April 2026. #1042", "Unknown field"},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			env := browsertest.New(t, nil)
			b := env.Browser(t)
			asAdmin(t, env, b, c.locale)
			b.Open("/settings/templates?kind=text")
			if got := b.NodeText("#templates"); !strings.Contains(got, "followup.nudge") || strings.Contains(got, "/email") {
				t.Fatalf("template list: %q", got)
			}
			b.Screenshot("settings-templates-" + c.locale)

			b.Open(fmt.Sprintf("/settings/templates/followup.nudge/%s/text", c.locale))
			b.Run(chromedp.WaitReady(`body[data-ready="1"]`, chromedp.ByQuery),
				chromedp.Evaluate(`document.getElementById("tpl-body").value = ""`, nil),
				chromedp.SendKeys("#tpl-body", c.typed, chromedp.ByQuery),
				poll(fmt.Sprintf(`(document.getElementById("preview-output") || {innerText: ""}).innerText.trim() === %q`, c.preview)))
			b.Screenshot(fmt.Sprintf("settings-template-edit-%s", c.locale))

			// A mistake shows why, as it is typed.
			b.Run(chromedp.SendKeys("#tpl-body", " {{.Contact.Nmae}}", chromedp.ByQuery),
				poll(fmt.Sprintf(`document.getElementById("template-preview").innerText.includes(%q)`, c.problem)))
			var body string
			b.Run(chromedp.Evaluate(`(() => { const t = document.getElementById("tpl-body"); t.value = t.value.replace(" {{.Contact.Nmae}}", ""); return t.value })()`, &body),
				chromedp.Click("#template-save", chromedp.ByQuery),
				chromedp.WaitVisible("#saved", chromedp.ByQuery))
			var stored string
			if err := env.Pool.QueryRow(context.Background(), `SELECT body FROM templates WHERE name = 'followup.nudge' AND locale = $1`, c.locale).Scan(&stored); err != nil || stored != c.typed {
				t.Errorf("stored %q (%v), want %q", stored, err, c.typed)
			}
			if got := b.NodeText("#preview-output"); !strings.Contains(got, c.preview) {
				t.Errorf("preview after saving: %q", got)
			}
		})
	}
}

// TestTagsAndCannedSettings renames and merges tags in Chromium and sees
// the inbox draw the new names, in fa and en; and adds a canned response
// through its form.
func TestTagsAndCannedSettings(t *testing.T) {
	cases := []struct {
		locale, title string
	}{
		{"fa", "ساعت کاری"},
		{"en", "Opening hours"},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			env := browsertest.New(t, nil)
			w := newWorkspace(t, env)
			ctx := context.Background()
			if _, err := env.Pool.Exec(ctx, `UPDATE conversations SET tags = '{vip,refund}' WHERE id = $1`, w.chat); err != nil {
				t.Fatal(err)
			}
			if _, err := env.Pool.Exec(ctx, `UPDATE contacts SET tags = '{vip}' WHERE id = $1`, w.contact); err != nil {
				t.Fatal(err)
			}
			if _, err := env.Pool.Exec(ctx, `INSERT INTO tags (name, colour) VALUES ('refund', 'orange')`); err != nil {
				t.Fatal(err)
			}
			b := env.Browser(t)
			asAdmin(t, env, b, c.locale)

			b.Open("/settings/tags")
			b.Screenshot("settings-tags-" + c.locale)
			// Rename vip to gold, give it a colour, merge refund into it.
			b.Run(chromedp.SendKeys(`tr[data-tag="vip"] input[name="to"]`, "gold", chromedp.ByQuery),
				chromedp.Submit(`tr[data-tag="vip"] input[name="to"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`tr[data-tag="gold"]`, chromedp.ByQuery),
				chromedp.SetValue(`tr[data-tag="gold"] select[name="colour"]`, "teal", chromedp.ByQuery),
				chromedp.Submit(`tr[data-tag="gold"] select[name="colour"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`tr[data-tag="gold"] .tag-teal`, chromedp.ByQuery),
				chromedp.SendKeys(`tr[data-tag="refund"] input[name="into"]`, "gold", chromedp.ByQuery),
				chromedp.Submit(`tr[data-tag="refund"] input[name="into"]`, chromedp.ByQuery),
				chromedp.WaitNotPresent(`tr[data-tag="refund"]`, chromedp.ByQuery))
			if got := b.NodeText(`tr[data-tag="gold"]`); !strings.Contains(got, map[string]string{"fa": "۱", "en": "1"}[c.locale]) {
				t.Errorf("gold's counts: %q", got)
			}
			b.Open("/?status=all")
			var tags []string
			b.Run(chromedp.Evaluate(`Array.from(document.querySelectorAll("#rows .tag")).map(e => e.className + " " + e.textContent)`, &tags))
			if strings.Join(tags, ",") != "tag tag-teal gold" {
				t.Errorf("inbox tags %q, want gold once, teal", tags)
			}

			// A canned response through the form.
			b.Open("/settings/canned")
			b.Run(chromedp.SendKeys("#canned-title", c.title, chromedp.ByQuery),
				chromedp.SendKeys("#canned-fa", "شنبه تا پنجشنبه، ۹ تا ۲۱", chromedp.ByQuery),
				chromedp.SendKeys("#canned-en", "Saturday to Thursday, 9 to 21", chromedp.ByQuery),
				chromedp.SendKeys("#canned-shortcut", "hours", chromedp.ByQuery),
				chromedp.Click("#canned-save", chromedp.ByQuery),
				chromedp.WaitVisible("#saved", chromedp.ByQuery))
			if got := b.NodeText("#canned-list"); !strings.Contains(got, c.title) || !strings.Contains(got, "/hours") {
				t.Errorf("canned list %q", got)
			}
			b.Screenshot("settings-canned-" + c.locale)
		})
	}
}
