package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// errorTexts are what pages say for each kind of error, in fa and en (the
// catalogue's error.* keys).
var errorTexts = map[string][2]string{
	"not_found":   {"پیدا نشد", "was not found"},
	"invalid":     {"پذیرفته نشد", "could not be accepted"},
	"forbidden":   {"اجازهٔ این کار را ندارید", "You may not do this"},
	"unavailable": {"چند لحظهٔ دیگر دوباره امتحان کنید", "try again in a moment"},
	"not_number":  {"یک عدد لازم است", "A number is needed"},
	"not_time":    {"تاریخ و ساعت خوانده نشد", "The date and time could not be read"},
	"past_time":   {"زمان یادآوری باید در آینده باشد", "A reminder needs a time in the future"},
}

// rawErrors are fragments of Go errors that must never reach a page.
var rawErrors = []string{"inbox:", "crm:", "web:", ": not found", "attachment \"", "CSRF token", "no rows", "dial tcp",
	"connection refused", "Service Unavailable", "Not Found", "Bad Request"}

func checkErrorPage(t *testing.T, body string, kind string, fa bool) {
	t.Helper()
	want := errorTexts[kind][1]
	if fa {
		want = errorTexts[kind][0]
	}
	if !strings.Contains(body, want) {
		t.Errorf("page lacks %q: %s", want, body)
	}
	for _, raw := range rawErrors {
		if strings.Contains(body, raw) {
			t.Errorf("page shows raw error text %q: %s", raw, body)
		}
	}
}

// TestPagesShowErrorKinds: the agent UI's error pages say what kind of
// error happened in the agent's language, never the Go error's text
// (review 13, item 10).
func TestPagesShowErrorKinds(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "en"} {
		e := newUIEnv(t, lang)
		fa := lang == "fa"
		cases := []struct {
			name, method, path string
			form               url.Values
			status             int
			kind               string
		}{
			{"missing conversation", "GET", "/conversations/99999999", nil, 404, "not_found"},
			{"missing contact", "GET", "/contacts/99999999", nil, 404, "not_found"},
			{"bad attachment path", "GET", "/attachments/x/y", nil, 400, "invalid"},
			{"bad reminder time", "POST", fmt.Sprintf("/conversations/%d/remind", e.mailConv), url.Values{"at": {"not a time"}}, 400, "not_time"},
			{"reminder in the past", "POST", fmt.Sprintf("/conversations/%d/remind", e.mailConv), url.Values{"at": {"2020-01-01T10:00"}}, 400, "past_time"},
			{"bad assignee", "POST", fmt.Sprintf("/conversations/%d/assign", e.mailConv), url.Values{"assignee": {"someone"}}, 400, "not_number"},
			{"wrong CSRF token", "POST", fmt.Sprintf("/conversations/%d/note", e.mailConv), url.Values{"csrf_token": {"wrong"}, "text": {"x"}}, 403, "forbidden"},
		}
		for _, tc := range cases {
			t.Run(lang+"/"+tc.name, func(t *testing.T) {
				var resp *http.Response
				var body string
				if tc.method == "GET" {
					resp, body = e.get(tc.path)
				} else {
					resp, body = e.post(tc.path, tc.form)
				}
				if resp.StatusCode != tc.status {
					t.Fatalf("%s %s: %d, want %d: %s", tc.method, tc.path, resp.StatusCode, tc.status, body)
				}
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
				}
				checkErrorPage(t, body, tc.kind, fa)
			})
		}
	}
}

// TestPagesUnavailable: when the database cannot be reached a page is
// answered 503 with Retry-After and "try again in a moment", in the
// agent's language once known and in both before.
func TestPagesUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, proxy := dbtest.NewBehindProxy(t)
	// The sessions are read directly, the inbox through the proxy.
	base, err := pgxpool.ParseConfig(dbtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg := pool.Config()
	cfg.ConnConfig.Host, cfg.ConnConfig.Port = base.ConnConfig.Host, base.ConnConfig.Port
	direct, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(direct.Close)
	users := auth.NewStore(direct, 4)
	u, err := users.CreateUser(ctx, auth.NewUser{Email: "agent@peyk.ir", Name: "Agent", Role: auth.RoleAgent,
		Password: "long enough", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	session, _, err := users.CreateSession(ctx, u.ID, auth.SessionInfo{UserAgent: "test"})
	if err != nil {
		t.Fatal(err)
	}
	get := func(t *testing.T, srv http.Handler) (*http.Response, string) {
		t.Helper()
		hs := httptest.NewServer(srv)
		t.Cleanup(hs.Close)
		req, _ := http.NewRequest("GET", hs.URL+"/conversations/1", nil)
		req.Header.Set("Cookie", "peyk_session="+session)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp, readBody(t, resp)
	}
	proxy.SetDown(true)
	t.Run("inbox unreachable", func(t *testing.T) {
		srv := web.New(web.Deps{Inbox: inbox.New(pool, inbox.Config{}, nil), Contacts: crm.NewStore(pool),
			Templates: templates.NewStore(direct), Users: users, Sessions: users}).Handler()
		resp, body := get(t, srv)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("%d, Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		checkErrorPage(t, body, "unavailable", false)
	})
	t.Run("sessions unreachable", func(t *testing.T) {
		behind := auth.NewStore(pool, 4)
		srv := web.New(web.Deps{Inbox: inbox.New(pool, inbox.Config{}, nil), Contacts: crm.NewStore(pool),
			Templates: templates.NewStore(pool), Users: behind, Sessions: behind}).Handler()
		resp, body := get(t, srv)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("%d, Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		checkErrorPage(t, body, "unavailable", false)
		checkErrorPage(t, body, "unavailable", true) // nobody known yet: both languages
	})
}

// TestReportsPageBadQuery: a report filter that cannot be read shows a
// sentence in the page's language, not the parser's English error.
func TestReportsPageBadQuery(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	for _, tc := range []struct{ lang, want string }{
		{"fa", "فیلترهای گزارش خوانده نشد"},
		{"en", "The report&#39;s filters could not be read"},
	} {
		resp, err := e.adminPage.Get(e.url + "/reports?from=yesterday&locale=" + tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, resp)
		if resp.StatusCode != 200 || !strings.Contains(body, tc.want) || strings.Contains(body, "want 2026-03-20 or") {
			t.Errorf("%s: %d, want %q and no parser error: %s", tc.lang, resp.StatusCode, tc.want, body)
		}
	}
}

// TestUILogKeys: the UI logs ids under snake_case keys with their kind
// (message_id, schedule_id), not "message" or "schedule" (review 13,
// item 12).
func TestUILogKeys(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	// A queue whose Redis is not there (nothing listens on port 1):
	// enqueueing fails and is logged.
	queue := asynq.NewClient(asynq.RedisClientOpt{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { queue.Close() })
	e := newUIEnvWith(t, "en", func(d *web.Deps) {
		d.Queue, d.Log = queue, slog.New(slog.NewJSONHandler(logs, nil))
	})
	if resp, body := e.post(fmt.Sprintf("/conversations/%d/reply", e.chatConv), url.Values{"text": {"salam"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", resp.StatusCode, body)
	}
	if resp, body := e.post(fmt.Sprintf("/conversations/%d/remind", e.chatConv), url.Values{"at": {"2030-01-01T10:00"}, "note": {"call"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remind: %d %s", resp.StatusCode, body)
	}
	keys := map[string]bool{}
	for _, line := range bytes.Split(logs.Bytes(), []byte("\n")) {
		var rec map[string]any
		if json.Unmarshal(line, &rec) != nil {
			continue
		}
		if msg, _ := rec["msg"].(string); strings.HasPrefix(msg, "enqueue ") {
			for k := range rec {
				keys[k] = true
			}
		}
	}
	for _, k := range []string{"message_id", "schedule_id"} {
		if !keys[k] {
			t.Errorf("no enqueue warning with %q; keys %v; log:\n%s", k, keys, logs.Bytes())
		}
	}
	for _, k := range []string{"message", "schedule", "conversation"} {
		if keys[k] {
			t.Errorf("log key %q: want %s_id", k, k)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Bytes returns a copy of what was written.
func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// TestBodyCapAnswers: the 503 of the cap on request bodies is a short
// page in Persian and English for a browser's form post, and the JSON
// error for an API client (review 13, item 10).
func TestBodyCapAnswers(t *testing.T) {
	t.Parallel()
	started, read := make(chan struct{}, 2), make(chan error, 2)
	addr := serve(t, web.NewHTTPServer(bodyReader(started, read), web.ServerConfig{MaxBodies: 1}, nil))
	slowBody(t, addr, "/a")
	<-started
	post := func(accept string) (*http.Response, string) {
		req, _ := http.NewRequest("POST", "http://"+addr+"/b", strings.NewReader("text=hello"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp, readBody(t, resp)
	}
	t.Run("browser", func(t *testing.T) {
		resp, body := post("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%d, Retry-After %q, %q", resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"))
		}
		for _, want := range []string{"چند لحظهٔ دیگر دوباره امتحان کنید", "try again in a moment"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q: %s", want, body)
			}
		}
	})
	t.Run("API client", func(t *testing.T) {
		resp, body := post("application/json")
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if resp.StatusCode != http.StatusServiceUnavailable || json.Unmarshal([]byte(body), &e) != nil ||
			e.Error.Code != "unavailable" || e.Error.Message == "" {
			t.Fatalf("%d %q", resp.StatusCode, body)
		}
	})
}
