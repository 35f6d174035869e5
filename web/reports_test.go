package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// reportEnv is a server with the reports on a real database: an admin and
// an agent (tokens and sessions) and three requests around the Jalali new
// year, on 1404/12/29 (two) and 1405/01/01 (one).
type reportEnv struct {
	url                  string
	admin, agent         string // API tokens
	adminPage, agentPage *http.Client
}

func newReportEnv(t *testing.T) *reportEnv {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.New(t)
	ib := inbox.New(pool, inbox.Config{}, nil)
	users := auth.NewStore(pool, 4)
	e := &reportEnv{}
	hs := httptest.NewServer(web.New(web.Deps{Users: users, Sessions: users, Reports: kpi.New(pool)}).Handler())
	t.Cleanup(hs.Close)
	e.url = hs.URL
	for _, role := range []string{auth.RoleAdmin, auth.RoleAgent} {
		u, err := users.CreateUser(ctx, auth.NewUser{Email: role + "@peyk.ir", Name: role, Role: role,
			Password: "long enough", Locale: "fa"})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := users.CreateToken(ctx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		session, _, err := users.CreateSession(ctx, u.ID, auth.SessionInfo{UserAgent: "test"})
		if err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		base, _ := url.Parse(hs.URL)
		jar.SetCookies(base, []*http.Cookie{{Name: "peyk_session", Value: session, Path: "/"}})
		client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if role == auth.RoleAdmin {
			e.admin, e.adminPage = tok, client
		} else {
			e.agent, e.agentPage = tok, client
		}
	}
	sms, err := ib.CreateChannel(ctx, channels.SMS, "SMS <line>", nil)
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { // Tehran is UTC+3:30
		v, _ := time.Parse(time.RFC3339, s)
		return v
	}
	in := func(ext, phone string, sent time.Time) channels.Inbound {
		return channels.Inbound{ChannelID: sms, ExternalID: ext, Kind: channels.KindText, Text: "salam", SentAt: sent,
			From: channels.Identity{Kind: channels.IdentityPhone, Value: phone}}
	}
	if err := ib.Ingest(ctx, []channels.Inbound{
		in("1", "+989121111111", at("2026-03-20T10:00:00+03:30")),
		in("2", "+989122222222", at("2026-03-20T23:59:00+03:30")),
		in("3", "+989123333333", at("2026-03-21T00:01:00+03:30")),
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *reportEnv) get(t *testing.T, client *http.Client, path, token string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp, b.String()
}

func TestReportsAPI(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	period := "from=" + url.QueryEscape("۱۴۰۴/۱۲/۲۸") + "&to=1405-01-01"
	for _, c := range []struct {
		name, path, token string
		status            int
		want              []string
	}{
		{"no token", "/api/v1/reports", "", 401, []string{`"error"`}},
		{"agent", "/api/v1/reports", e.agent, 403, []string{`"error"`}},
		{"section without token", "/api/v1/reports/agents", "", 401, []string{`"error"`}},
		{"section as agent", "/api/v1/reports/agents.csv", e.agent, 403, []string{`"error"`}},
		// 1404/12/28 to 1405/01/01 inclusive: two requests on 12/29, one
		// on 01/01 (00:01 Tehran), none on 12/28.
		{"report", "/api/v1/reports?" + period, e.admin, 200,
			[]string{`"total":3`, `"customers":3`, `"key":"1404-12-29","label":"۱۴۰۴/۱۲/۲۹"`, `"count":2`, `"agents":[]`}},
		{"english", "/api/v1/reports?locale=en&from=2026-03-19&to=2026-03-21", e.admin, 200,
			[]string{`"key":"2026-03-20","label":"2026-03-20"`, `"key":"2026-03","label":"March 2026","start"`}},
		{"section json", "/api/v1/reports/requests-monthly?" + period, e.admin, 200,
			[]string{`"rows":[["1404-12","اسفند ۱۴۰۴","2"`, `["1405-01","فروردین ۱۴۰۵","1"`}},
		{"bad day", "/api/v1/reports?from=1404-13-01", e.admin, 400, []string{`"error"`, "1404/12/29"}},
		{"bad agent", "/api/v1/reports?agent=x", e.admin, 400, []string{`"error"`}},
		{"bad flag", "/api/v1/reports?business_hours=maybe", e.admin, 400, []string{`"error"`}},
		{"bad callback", "/api/v1/reports?callback_hours=0", e.admin, 400, []string{`"error"`}},
		{"backwards", "/api/v1/reports?from=2026-03-21&to=2026-03-01", e.admin, 400, []string{`"error"`}},
		{"unknown section", "/api/v1/reports/nope", e.admin, 404, []string{`"error"`, "requests"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.get(t, nil, c.path, c.token)
			if resp.StatusCode != c.status {
				t.Fatalf("%s: %d %s", c.path, resp.StatusCode, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %s:\n%s", c.path, w, body)
				}
			}
			if c.status == 200 && !json.Valid([]byte(body)) {
				t.Errorf("not JSON: %s", body)
			}
		})
	}
}

func TestReportsCSV(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	for _, path := range []string{
		"/api/v1/reports/requests.csv?locale=en&from=2026-03-19&to=2026-03-21",
		"/api/v1/reports/requests?format=csv&locale=en&from=2026-03-19&to=2026-03-21",
	} {
		t.Run(path, func(t *testing.T) {
			resp, body := e.get(t, nil, path, e.admin)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "peyk-requests-") {
				t.Fatalf("%d %v", resp.StatusCode, resp.Header)
			}
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// The header names the channel (quotes and all); one row a day.
			if len(rows) != 4 || rows[0][3] == "" || !strings.Contains(rows[0][3], "SMS <line>") ||
				strings.Join(rows[2], ",") != "2026-03-20,2026-03-20,2,2" {
				t.Errorf("csv %q", rows)
			}
		})
	}
}

func TestReportsPage(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	t.Run("persian", func(t *testing.T) {
		resp, body := e.get(t, e.adminPage, "/reports?from=1404/12/28&to=1405/01/01", "")
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		for _, w := range []string{`dir="rtl"`, "<svg", "۱۴۰۴/۱۲/۲۹: ۲", "اسفند ۱۴۰۴", "شنبه", `name="from" value="۱۴۰۴/۱۲/۲۸"`,
			"/api/v1/reports/agents?", "SMS &lt;line&gt;", "kind-sms"} {
			if !strings.Contains(body, w) {
				t.Errorf("page lacks %q", w)
			}
		}
	})
	t.Run("english", func(t *testing.T) {
		_, body := e.get(t, e.adminPage, "/reports?locale=en&from=2026-03-19&to=2026-03-21&business_hours=1", "")
		for _, w := range []string{`dir="ltr"`, "2026-03-20: 2", "March 2026", "Busiest weekdays", "checked"} {
			if !strings.Contains(body, w) {
				t.Errorf("page lacks %q", w)
			}
		}
	})
	t.Run("bad filter shows the default period", func(t *testing.T) {
		resp, body := e.get(t, e.adminPage, "/reports?locale=en&from=yesterday", "")
		if resp.StatusCode != 200 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "yesterday") {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("agent", func(t *testing.T) {
		if resp, _ := e.get(t, e.agentPage, "/reports", ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("agent got %d", resp.StatusCode)
		}
	})
	t.Run("signed out", func(t *testing.T) {
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, _ := e.get(t, client, "/reports", "")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("signed out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// TestReportRoutes checks that the report routes are registered for
// admins only and described in docs/openapi.yaml.
func TestReportRoutes(t *testing.T) {
	t.Parallel()
	srv := web.New(web.Deps{Reports: kpi.New(dbtest.New(t))})
	srv.Handler()
	documented := openAPIOperations(t, "../docs/openapi.yaml")
	n := 0
	for _, rt := range srv.Routes() {
		if !strings.Contains(rt.Pattern, "/reports") {
			continue
		}
		n++
		if rt.Role != auth.RoleAdmin || !documented[rt.Pattern] {
			t.Errorf("%s: role %s, documented %v", rt.Pattern, rt.Role, documented[rt.Pattern])
		}
	}
	if n != 2 {
		t.Errorf("%d report routes, want 2", n)
	}
}
