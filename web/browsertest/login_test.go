package browsertest_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/peykhq/peyk/web/browsertest"
)

func TestLoginInboxLogout(t *testing.T) {
	env := browsertest.New(t, nil)
	b := env.Browser(t)

	b.Open("/")
	if loc := b.Location(); !strings.Contains(loc, "/login?next=%2F") {
		t.Fatalf("signed out, / leads to %s, want the login page", loc)
	}
	if got := b.NodeText("h1"); got != "Sign in to Peyk" {
		t.Fatalf("login heading %q (the browser asks for English)", got)
	}
	b.Screenshot("login")

	b.Login(env.Agent.Email, browsertest.Password)
	if loc := b.Location(); loc != env.URL+"/" {
		t.Fatalf("after login at %s, want %s/", loc, env.URL)
	}
	// The agent's locale is Persian: the inbox is right-to-left.
	var dir string
	var logout bool
	b.Run(
		chromedp.WaitVisible(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.dir`, &dir),
		chromedp.Evaluate(`document.querySelector('form[action="/logout"] input[name=csrf_token]').value.length === 43`, &logout),
	)
	if dir != "rtl" || !logout {
		t.Fatalf("inbox: dir %q, logout form with a CSRF token %v", dir, logout)
	}

	b.Run(
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible("#login-form", chromedp.ByQuery),
	)
	b.Open("/")
	if loc := b.Location(); !strings.Contains(loc, "/login") {
		t.Fatalf("after logout / leads to %s, want the login page", loc)
	}
}

func TestLoginPersian(t *testing.T) {
	env := browsertest.New(t, nil)
	b := env.Browser(t)
	b.Open("/login?lang=fa")
	var dir string
	b.Run(chromedp.Evaluate(`getComputedStyle(document.body).direction`, &dir))
	if dir != "rtl" || b.NodeText("h1") != "ورود به پیک" {
		t.Fatalf("Persian login page: direction %q, heading %q", dir, b.NodeText("h1"))
	}
	b.Run(chromedp.Click("#login-lang", chromedp.ByQuery), chromedp.WaitVisible("#login-form", chromedp.ByQuery))
	if h := b.NodeText("h1"); h != "Sign in to Peyk" {
		t.Fatalf("after switching to English: %q", h)
	}
}

func TestLoginRateLimited(t *testing.T) {
	env := browsertest.New(t, nil)
	b := env.Browser(t)
	try := func(password string) string {
		t.Helper()
		b.Open("/login")
		b.Run(
			chromedp.SendKeys("#email", env.Agent.Email, chromedp.ByQuery),
			chromedp.SendKeys("#password", password, chromedp.ByQuery),
			chromedp.Click("#login-submit", chromedp.ByQuery),
			chromedp.WaitVisible("#login-error", chromedp.ByQuery),
		)
		return b.NodeText("#login-error")
	}
	for i := 1; i <= 5; i++ {
		if msg := try("not the password"); msg != "Wrong e-mail or password." {
			t.Fatalf("failure %d says %q", i, msg)
		}
	}
	if msg := try("still not it"); !strings.HasPrefix(msg, "Too many failed attempts") {
		t.Fatalf("sixth failure says %q, want rate-limited", msg)
	}
	b.Screenshot("login-rate-limited")
	if msg := try(browsertest.Password); !strings.HasPrefix(msg, "Too many failed attempts") {
		t.Fatalf("the right password while limited: %q", msg)
	}
}

func TestContentSecurityPolicyEnforced(t *testing.T) {
	env := browsertest.New(t, nil)
	b := env.Browser(t)
	b.Open("/login")
	var ran bool
	b.Run(chromedp.Evaluate(`(() => {
		const s = document.createElement('script');
		s.textContent = 'window.injected = true';
		document.head.appendChild(s);
		return window.injected === true;
	})()`, &ran))
	if ran {
		t.Fatal("an injected inline script ran")
	}
	var reported bool
	b.Run(chromedp.Sleep(0))
	for _, line := range b.TakeConsole() {
		reported = reported || strings.Contains(line, "Content Security Policy")
	}
	if !reported {
		t.Fatal("the browser reported no CSP violation for the blocked script")
	}
}
