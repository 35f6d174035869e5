package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

// logLines returns the JSON log lines written to buf whose message is msg.
func logLines(buf *syncBuffer, msg string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(buf.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// TestWebhookDatabaseDown: while the database cannot be reached, a
// webhook call answers 503 with Retry-After (ingest having retried), a
// channel whose settings are cached still authenticates its provider
// (a forged call is refused 401, even past the cache's freshness), a
// channel never seen answers 503 too, and once the database is back the
// provider's retry is stored once. Every call is one log line.
func TestWebhookDatabaseDown(t *testing.T) {
	pool, proxy := dbtest.NewBehindProxy(t)
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	a := &app{log: log, pool: pool, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin := newChannelAdmin(a)
	srv := httptest.NewServer(web.New(web.Deps{Webhooks: admin, Log: log}).Handler())
	defer srv.Close()
	pbx := create(t, admin, "phone", `{"ours":["1XX"],"secret":"pbx-secret-0123456789"}`)
	other := create(t, admin, "phone", `{"ours":["2XX"],"secret":"other-secret-0123456789"}`)

	call := func(id int64, callID, secret string) (*http.Response, string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"id": callID, "direction": "in", "from": "+98 912 123 4567", "to": "101",
			"disposition": "NO ANSWER", "duration": 12})
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/webhooks/%d", srv.URL, id), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Peyk-Secret", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(msg)
	}
	want := func(t *testing.T, resp *http.Response, body string, status int, retryAfter bool) {
		t.Helper()
		if resp.StatusCode != status {
			t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, status)
		}
		if got := resp.Header.Get("Retry-After") != ""; got != retryAfter {
			t.Fatalf("Retry-After %q, want one: %v", resp.Header.Get("Retry-After"), retryAfter)
		}
	}

	resp, body := call(pbx, "call-1", "pbx-secret-0123456789")
	want(t, resp, body, 200, false) // the channel's handler is cached now
	proxy.SetDown(true)

	steps := []struct {
		name       string
		id         int64
		callID     string
		secret     string
		stale      bool // past the cache's freshness
		status     int
		retryAfter bool
	}{
		{"cached channel, database down", pbx, "call-2", "pbx-secret-0123456789", false, 503, true},
		{"cached channel, forged", pbx, "call-3", "wrong", false, 401, false},
		{"stale cache, database down", pbx, "call-2", "pbx-secret-0123456789", true, 503, true},
		{"stale cache, forged", pbx, "call-3", "wrong", true, 401, false},
		{"channel not cached", other, "call-4", "other-secret-0123456789", false, 503, true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			setClock(admin.hooks, 0)
			if s.stale {
				setClock(admin.hooks, time.Minute)
			}
			resp, body := call(s.id, s.callID, s.secret)
			want(t, resp, body, s.status, s.retryAfter)
		})
	}
	setClock(admin.hooks, 0)

	proxy.SetDown(false)
	resp, body = call(pbx, "call-2", "pbx-secret-0123456789") // the provider retries
	want(t, resp, body, 200, false)
	if n := count(t, a, `SELECT count(*) FROM messages WHERE external_id = 'pbx:call-2'`); n != 1 {
		t.Fatalf("call-2 stored %d times, want once", n)
	}

	t.Run("log lines", func(t *testing.T) {
		accepted, refused := logLines(logs, "webhook accepted"), logLines(logs, "webhook refused")
		if len(accepted) != 2 || len(refused) != 5 {
			t.Fatalf("%d accepted and %d refused lines, want 2 and 5:\n%s", len(accepted), len(refused), logs)
		}
		first := accepted[0]
		if first["channel_id"] != float64(pbx) || first["provider_id"] != "pbx:call-1" || first["status"] != float64(200) {
			t.Errorf("accepted line %v", first)
		}
		down := refused[0]
		if down["channel_id"] != float64(pbx) || down["provider_id"] != "pbx:call-2" || down["status"] != float64(503) || down["err"] == nil {
			t.Errorf("refused line %v", down)
		}
		if unseen := refused[4]; unseen["channel_id"] != float64(other) || unseen["status"] != float64(503) {
			t.Errorf("refused line of the channel not cached %v", unseen)
		}
	})
}

// setClock makes the cache's clock run ahead by d.
func setClock(c *hookCache, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = func() time.Time { return time.Now().Add(d) }
}
