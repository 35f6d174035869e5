package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// clientOf returns a browser signed in as u on e's server.
func (e *uiEnv) clientOf(u auth.User) *http.Client {
	e.t.Helper()
	token, _, err := e.users.CreateSession(context.Background(), u.ID, auth.SessionInfo{UserAgent: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(e.srv.URL)
	jar.SetCookies(base, []*http.Cookie{{Name: "peyk_session", Value: token, Path: "/"}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var secretRE = regexp.MustCompile(`<code class="secret" id="secret" dir="ltr">([^<]+)</code>`)

// TestPeoplePages is an admin's round in fa and en: add a user (with a
// generated password shown once, and with bad input shown beside the
// fields and nothing stored), change their role, reset their password,
// make and revoke a token, and deactivate them while they are signed in:
// their next request lands on the login page, their token and their
// event stream stop at once.
func TestPeoplePages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		locale, badEmail, self, deactivated, audit string
	}{
		{"fa", "یک نشانی ایمیل درست بنویسید.", "نمی\u200cتوانید خودتان را غیرفعال کنید.", "غیرفعال", "کاربر غیرفعال شد"},
		{"en", "Write a valid e-mail address.", "You cannot deactivate yourself.", "Deactivated", "User deactivated"},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			hub, _, _ := startHub(t, dbtest.New(t))
			e := newUIEnvWith(t, c.locale, func(d *web.Deps) { d.Events = hub })
			e.becomeAdmin()
			ctx := context.Background()
			users := func() int { return dbtest.Count(t, e.pool, `SELECT count(*) FROM users`) }

			resp, body := e.post("/settings/people", url.Values{"email": {"not an address"}, "role": {"agent"}, "password": {"short"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.badEmail) ||
				!strings.Contains(body, `value="not an address"`) || users() != 1 {
				t.Fatalf("bad input: %d, %d users\n%s", resp.StatusCode, users(), body)
			}
			if strings.Contains(body, "auth:") || strings.Contains(body, "invalid") {
				t.Fatalf("a raw error on the page:\n%s", body)
			}

			resp, body = e.post("/settings/people", url.Values{"email": {"Reza@Example.com"}, "name": {"Reza"}, "role": {"agent"}, "locale": {"fa"}})
			m := secretRE.FindStringSubmatch(body)
			if resp.StatusCode != http.StatusCreated || m == nil || !strings.Contains(body, "reza@example.com") {
				t.Fatalf("create: %d\n%s", resp.StatusCode, body)
			}
			reza, err := e.users.Login(ctx, "reza@example.com", m[1])
			if err != nil {
				t.Fatalf("the password shown does not sign in: %v", err)
			}
			if _, body := e.get("/settings/people"); strings.Contains(body, m[1]) {
				t.Fatal("the generated password is shown again")
			}
			if resp, _ := e.post("/settings/people", url.Values{"email": {"reza@example.com"}, "role": {"agent"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("a taken address: %d", resp.StatusCode)
			}

			page := "/settings/people/" + itoa(reza.ID)
			if resp, body := e.post(page, url.Values{"name": {"Reza K"}, "role": {"admin"}, "locale": {"en"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("update: %d %s", resp.StatusCode, body)
			}
			if resp, body := e.get(page); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Reza K") || !strings.Contains(body, `value="admin" selected`) {
				t.Fatalf("after update: %d\n%s", resp.StatusCode, body)
			}
			if resp, body := e.post("/settings/people/"+itoa(e.user.ID)+"/deactivate", url.Values{}); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.self) {
				t.Fatalf("self-deactivation: %d\n%s", resp.StatusCode, body)
			}

			_, body = e.post(page+"/tokens", url.Values{"name": {"ci"}})
			tm := secretRE.FindStringSubmatch(body)
			if tm == nil || !strings.HasPrefix(tm[1], "peyk_") {
				t.Fatalf("token:\n%s", body)
			}
			if _, err := e.users.UserByToken(ctx, tm[1]); err != nil {
				t.Fatalf("the token shown does not work: %v", err)
			}

			// Reza signs in, opens the event stream, then is deactivated.
			browser := e.clientOf(reza)
			if resp, _ := get(t, browser, e.srv.URL+"/"); resp.StatusCode != http.StatusOK {
				t.Fatalf("reza's inbox: %d", resp.StatusCode)
			}
			_, lines := sseLines(t, browser, e.srv.URL+"/events", nil)
			waitLine(t, e.pool, lines, "", "retry: 3000")
			if resp, body := e.post(page+"/deactivate", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("deactivate: %d %s", resp.StatusCode, body)
			}
			waitClosed(t, lines)
			resp, _ = get(t, browser, e.srv.URL+"/")
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
				t.Fatalf("after deactivation reza's next request: %d to %q, want the login page", resp.StatusCode, loc)
			}
			if _, err := e.users.UserByToken(ctx, tm[1]); err == nil {
				t.Fatal("reza's token works after deactivation")
			}
			if _, body := e.get("/settings/people"); !strings.Contains(body, c.deactivated) {
				t.Fatalf("the list does not say reza is deactivated:\n%s", body)
			}
			if _, body := e.get("/settings/audit"); !strings.Contains(body, c.audit) || !strings.Contains(body, "Reza K") {
				t.Fatalf("the audit log does not show the deactivation:\n%s", body)
			}

			if resp, _ := e.post(page+"/activate", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("activate: %d", resp.StatusCode)
			}
			_, body = e.post(page+"/password", url.Values{})
			pm := secretRE.FindStringSubmatch(body)
			if pm == nil {
				t.Fatalf("reset:\n%s", body)
			}
			if _, err := e.users.Login(ctx, "reza@example.com", pm[1]); err != nil {
				t.Fatalf("the reset password does not sign in: %v", err)
			}
			if resp, _ := e.post(page+"/password", url.Values{"password": {"short"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("short password: %d", resp.StatusCode)
			}
		})
	}
}

// waitClosed waits for an event stream to end.
func waitClosed(t *testing.T, lines <-chan string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case _, ok := <-lines: // heartbeats until the server ends it
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the event stream is still open 15 s later")
		}
	}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readBody(t, resp)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
