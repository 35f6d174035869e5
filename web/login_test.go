package web_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// authFixture is a server with login on a real database, an agent
// (agent@peyk.ir / authPassword) and the agent's API token.
type authFixture struct {
	srv   *httptest.Server
	pool  *pgxpool.Pool
	store *auth.Store
	agent auth.User
	token string
}

const authPassword = "correct horse"

func newAuthFixture(t testing.TB, adjust func(*web.Deps)) *authFixture {
	t.Helper()
	pool := dbtest.New(t)
	st := auth.NewStore(pool, 4)
	u, err := st.CreateUser(context.Background(), auth.NewUser{Email: "agent@peyk.ir", Role: auth.RoleAgent, Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.CreateToken(context.Background(), u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	d := web.Deps{Version: "test", Users: st, Sessions: st,
		Segments: func(text string) any { return map[string]int{"characters": len([]rune(text))} }}
	if adjust != nil {
		adjust(&d)
	}
	srv := httptest.NewServer(web.New(d).Handler())
	t.Cleanup(srv.Close)
	return &authFixture{srv: srv, pool: pool, store: st, agent: u, token: token}
}

// client returns a browser-like client: it keeps cookies and does not
// follow redirects.
func (f *authFixture) client(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends a request and returns the response with its body read.
func (f *authFixture) do(t *testing.T, c *http.Client, method, path, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, "=") && !strings.HasPrefix(body, "{") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// login posts the form and returns the response.
func (f *authFixture) login(t *testing.T, c *http.Client, email, password string) (*http.Response, string) {
	t.Helper()
	form := url.Values{"email": {email}, "password": {password}}
	return f.do(t, c, "POST", "/login", form.Encode(), nil)
}

// signIn logs the agent in and returns the session's CSRF token.
func (f *authFixture) signIn(t *testing.T, c *http.Client) string {
	t.Helper()
	resp, body := f.login(t, c, f.agent.Email, authPassword)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	_, ss, err := f.store.SessionByToken(context.Background(), f.cookie(t, c).Value)
	if err != nil {
		t.Fatal(err)
	}
	return ss.CSRF
}

// cookie returns the client's session cookie.
func (f *authFixture) cookie(t *testing.T, c *http.Client) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(f.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "peyk_session" {
			return ck
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func TestLoginPage(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, nil)
	cases := []struct {
		name, path, lang string
		want             []string
	}{
		{"english by default", "/login", "", []string{`lang="en" dir="ltr"`, "Sign in to Peyk", `href="/static/app.css"`}},
		{"persian by Accept-Language", "/login", "fa-IR,fa;q=0.9,en;q=0.8", []string{`lang="fa" dir="rtl"`, "ورود به پیک"}},
		{"english after another language", "/login", "de-DE,en;q=0.5", []string{`lang="en"`}},
		{"?lang wins", "/login?lang=fa", "en-US", []string{`dir="rtl"`, `href="/login?lang=en&amp;next=%2F"`}},
		{"next kept", "/login?next=%2Fconversations%2F7", "", []string{`name="next" value="/conversations/7"`}},
		{"foreign next dropped", "/login?next=https%3A%2F%2Fevil.example%2F", "", []string{`name="next" value="/"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(t, f.client(t), "GET", tc.path, "", map[string]string{"Accept-Language": tc.lang})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q:\n%s", w, body)
				}
			}
			if strings.Contains(body, "<script") || strings.Contains(body, "style=") {
				t.Error("inline script or style on the login page")
			}
		})
	}
}

func TestLoginLogout(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, nil)
	c := f.client(t)
	resp, body := f.login(t, c, " AGENT@peyk.ir ", authPassword)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	raw := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"peyk_session=", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age="} {
		if !strings.Contains(raw, want) {
			t.Errorf("cookie %q lacks %s", raw, want)
		}
	}
	if strings.Contains(raw, "Secure") {
		t.Errorf("cookie %q is Secure on plain HTTP without the flag", raw)
	}
	csrf := f.signIn(t, c)

	// Signed in: /login sends the browser on.
	if resp, _ := f.do(t, c, "GET", "/login?next=%2Finbox", "", nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
		t.Fatalf("login page when signed in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The cookie authenticates the API.
	if resp, body := f.do(t, c, "POST", "/api/v1/sms/segments", `{"text":"سلام"}`, map[string]string{"X-CSRF-Token": csrf}); resp.StatusCode != 200 {
		t.Fatalf("API with cookie: %d %s", resp.StatusCode, body)
	}
	// Logging out needs the token too.
	if resp, _ := f.do(t, c, "POST", "/logout", "", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("logout without token: %d", resp.StatusCode)
	}
	old := f.cookie(t, c).Value
	resp, _ = f.do(t, c, "POST", "/logout", url.Values{"csrf_token": {csrf}}.Encode(), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" ||
		!strings.Contains(resp.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %v", resp.StatusCode, resp.Header)
	}
	if _, _, err := f.store.SessionByToken(context.Background(), old); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("session after logout: %v", err)
	}
	// The old cookie, replayed, opens nothing.
	replay := f.client(t)
	u, _ := url.Parse(f.srv.URL)
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: "peyk_session", Value: old}})
	if resp, _ := f.do(t, replay, "POST", "/api/v1/sms/segments", `{"text":"x"}`, map[string]string{"X-CSRF-Token": csrf}); resp.StatusCode != 401 {
		t.Fatalf("replayed cookie: %d", resp.StatusCode)
	}
}

func TestLoginCookieSecure(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, func(d *web.Deps) { d.CookieSecure = true })
	resp, _ := f.login(t, f.client(t), f.agent.Email, authPassword)
	if raw := resp.Header.Get("Set-Cookie"); !strings.Contains(raw, "; Secure") {
		t.Fatalf("cookie %q is not Secure with CookieSecure", raw)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatal("no HSTS with CookieSecure")
	}
}

func TestLoginOverTLS(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	st := auth.NewStore(pool, 4)
	if _, err := st.CreateUser(context.Background(), auth.NewUser{Email: "a@peyk.ir", Role: auth.RoleAgent, Password: authPassword}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(web.New(web.Deps{Users: st, Sessions: st}).Handler())
	defer srv.Close()
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"email": {"a@peyk.ir"}, "password": {authPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if raw := resp.Header.Get("Set-Cookie"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(raw, "; Secure") {
		t.Fatalf("over TLS: %d, cookie %q", resp.StatusCode, raw)
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, nil)
	c := f.client(t)
	for i := 1; i <= 5; i++ {
		if resp, _ := f.login(t, c, f.agent.Email, "wrong password"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, resp.StatusCode)
		}
	}
	// The sixth try is refused before the password is checked, even the
	// right one.
	for _, pw := range []string{"wrong again", authPassword} {
		resp, body := f.login(t, c, f.agent.Email, pw)
		secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if resp.StatusCode != http.StatusTooManyRequests || err != nil || secs < 890 || secs > 900 {
			t.Fatalf("limited try with %q: %d Retry-After %q", pw, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if !strings.Contains(body, "Try again in 15 minutes") {
			t.Fatalf("limited page: %s", body)
		}
	}
	// Another address from the same IP is still allowed (20 per IP).
	if resp, _ := f.login(t, c, "other@peyk.ir", "whatever"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("other e-mail: %d", resp.StatusCode)
	}
	for i := 0; i < 14; i++ {
		f.login(t, c, "other"+strconv.Itoa(i)+"@peyk.ir", "whatever")
	}
	// 20 failures from this IP: every address is refused now.
	if resp, _ := f.login(t, c, "fresh@peyk.ir", "whatever"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 20 failures from one IP: %d", resp.StatusCode)
	}
}

func TestLoginSuccessResetsEmailFailures(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, nil)
	c := f.client(t)
	for i := 0; i < 4; i++ {
		f.login(t, c, f.agent.Email, "typo")
	}
	f.signIn(t, c)
	for i := 0; i < 4; i++ {
		if resp, _ := f.login(t, c, f.agent.Email, "typo"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d after a success: %d", i, resp.StatusCode)
		}
	}
}

func TestLoginCrossOrigin(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, nil)
	form := url.Values{"email": {f.agent.Email}, "password": {authPassword}}.Encode()
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
		if resp, _ := f.do(t, f.client(t), "POST", "/login", form, h); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-origin login %v: %d", h, resp.StatusCode)
		}
	}
	if resp, _ := f.do(t, f.client(t), "POST", "/login", form, map[string]string{"Sec-Fetch-Site": "same-origin"}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin login: %d", resp.StatusCode)
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, nil)
	c := f.client(t)
	csrf := f.signIn(t, c)
	sum := sha256.Sum256([]byte(f.cookie(t, c).Value))
	if _, err := f.pool.Exec(context.Background(), `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, sum[:]); err != nil {
		t.Fatal(err)
	}
	if resp, _ := f.do(t, c, "POST", "/api/v1/sms/segments", `{"text":"x"}`, map[string]string{"X-CSRF-Token": csrf}); resp.StatusCode != 401 {
		t.Fatalf("API with an expired session: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, c, "POST", "/logout", url.Values{"csrf_token": {csrf}}.Encode(), nil); resp.StatusCode != http.StatusSeeOther ||
		resp.Header.Get("Location") != "/login" {
		t.Fatalf("page with an expired session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The login page shows again instead of sending the browser on.
	if resp, _ := f.do(t, c, "GET", "/login", "", nil); resp.StatusCode != 200 {
		t.Fatalf("login page with an expired session: %d", resp.StatusCode)
	}
}

func TestLoginAgainReplacesTheSession(t *testing.T) {
	t.Parallel()
	f := newAuthFixture(t, nil)
	c := f.client(t)
	f.signIn(t, c)
	first := f.cookie(t, c).Value
	f.signIn(t, c)
	if second := f.cookie(t, c).Value; second == first {
		t.Fatal("a second login kept the session id")
	}
	if _, _, err := f.store.SessionByToken(context.Background(), first); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("the first session survives a second login: %v", err)
	}
}
