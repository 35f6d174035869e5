package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/peykhq/peyk/web/auth"
	"github.com/peykhq/peyk/web/browsertest"
)

// TestDeactivateSignsOut is an admin (English) deactivating an agent who
// is signed in in another browser: the agent's live event stream drops
// at once, and their next page lands on the login form. The audit log
// shows who did it.
func TestDeactivateSignsOut(t *testing.T) {
	env := browsertest.New(t, nil)
	newWorkspace(t, env)
	agent := env.Browser(t)
	agent.Login(env.Agent.Email, browsertest.Password)
	agent.Open("/")
	agent.Run(chromedp.WaitReady(`body[data-live=on]`, chromedp.ByQuery))

	admin := env.Browser(t)
	admin.Login(env.Admin.Email, browsertest.Password)
	admin.Open("/settings/people")
	if got := admin.NodeText("#people"); !strings.Contains(got, env.Agent.Email) || !strings.Contains(got, "Active") {
		t.Fatalf("people list: %q", got)
	}
	admin.Screenshot("settings-people-en")
	admin.Run(
		chromedp.Click(fmt.Sprintf(`#person-%d a`, env.Agent.ID), chromedp.ByQuery),
		chromedp.WaitVisible("#deactivate", chromedp.ByQuery),
		chromedp.Click("#deactivate", chromedp.ByQuery),
		chromedp.WaitVisible("#activate", chromedp.ByQuery),
	)
	if got := admin.NodeText("#person-state"); !strings.Contains(got, "Deactivated") {
		t.Fatalf("after deactivating: %q", got)
	}

	// The agent's stream ends (EventSource reports the error), and the
	// next page is the login form.
	agent.Run(poll(`document.body.dataset.live === "off"`))
	agent.Open("/")
	if loc := agent.Location(); !strings.Contains(loc, "/login") {
		t.Fatalf("the deactivated agent's next page is %s, want the login form", loc)
	}
	agent.Run(
		chromedp.SendKeys("#email", env.Agent.Email, chromedp.ByQuery),
		chromedp.SendKeys("#password", browsertest.Password, chromedp.ByQuery),
		chromedp.Click("#login-submit", chromedp.ByQuery),
		chromedp.WaitVisible("#login-error", chromedp.ByQuery),
	)
	if loc := agent.Location(); !strings.Contains(loc, "/login") {
		t.Fatalf("a deactivated agent signed in again: at %s", loc)
	}

	admin.Open("/settings/audit")
	if got := admin.NodeText("#audit-log"); !strings.Contains(got, "User deactivated") || !strings.Contains(got, "Admin") {
		t.Fatalf("audit log: %q", got)
	}
	admin.Screenshot("settings-audit-en")
}

// TestCreateUserPersian is an admin in Persian adding a user: the new
// user is in the list with the generated password shown once, can sign
// in with it, and the audit log says so with a Jalali date.
func TestCreateUserPersian(t *testing.T) {
	env := browsertest.New(t, nil)
	ctx := context.Background()
	fa := "fa"
	if _, err := env.Users.UpdateUser(ctx, 0, env.Admin.ID, auth.Change{Locale: &fa}); err != nil {
		t.Fatal(err)
	}
	b := env.Browser(t)
	b.Login(env.Admin.Email, browsertest.Password)
	b.Open("/settings/people")
	// Bad input first: the reason shows beside the field, in Persian.
	b.Run(
		chromedp.SendKeys("#person-email", "not-an-address", chromedp.ByQuery),
		chromedp.Click("#person-submit", chromedp.ByQuery),
		chromedp.WaitVisible(".field-error", chromedp.ByQuery),
	)
	if got := b.NodeText(".field-error"); got != "یک نشانی ایمیل درست بنویسید." {
		t.Fatalf("field error %q", got)
	}
	b.Run(
		chromedp.Evaluate(`document.getElementById("person-email").value = ""`, nil),
		chromedp.SendKeys("#person-email", "reza@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#person-name", "رضا کریمی", chromedp.ByQuery),
		chromedp.Click("#person-submit", chromedp.ByQuery),
		chromedp.WaitVisible("#secret", chromedp.ByQuery),
	)
	password := b.NodeText("#secret")
	if got := b.NodeText("#people"); !strings.Contains(got, "رضا کریمی") || !strings.Contains(got, "reza@example.com") {
		t.Fatalf("people list: %q", got)
	}
	if _, err := env.Users.Login(ctx, "reza@example.com", password); err != nil {
		t.Fatalf("the password shown (%q) does not sign in: %v", password, err)
	}
	b.Open("/settings/people")
	b.Screenshot("settings-people-fa")

	b.Open("/settings/audit")
	got := b.NodeText("#audit-log")
	if !strings.Contains(got, "کاربر افزوده شد") || !strings.Contains(got, "رضا کریمی") || !strings.Contains(got, "۱۴") {
		t.Fatalf("audit log: %q", got)
	}
	b.Screenshot("settings-audit-fa")
}
