package kavenegar_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/peykhq/peyk/channels/sms/internal/smstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/kavenegar"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

const (
	testKey    = "3976435A6B7A4A5A2F4B4E6C6A7A3D3D"
	testSecret = "kv-7c1e0f6b2d"
	testLine   = "10004346"
)

// fakeAPI stands in for Kavenegar's REST API: it answers each method
// ("sms/send") with the testdata files queued for it, the last one
// repeating, and records the requests.
type fakeAPI struct {
	mu      sync.Mutex
	replies map[string][]string
	status  int // HTTP status; 0 means 200
	calls   []call
}

type call struct {
	key, method string
	form        url.Values
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// /v1/{API-KEY}/{group}/{method}.json
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/v1/"), "/", 2)
	if len(parts) != 2 || !strings.HasSuffix(parts[1], ".json") {
		http.NotFound(w, r)
		return
	}
	_ = r.ParseForm()
	method := strings.TrimSuffix(parts[1], ".json")
	f.mu.Lock()
	f.calls = append(f.calls, call{key: parts[0], method: method, form: r.Form})
	files := f.replies[method]
	var file string
	if len(files) > 0 {
		file = files[0]
		if len(files) > 1 {
			f.replies[method] = files[1:]
		}
	}
	status := f.status
	f.mu.Unlock()
	if file == "" {
		http.NotFound(w, r)
		return
	}
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	if status == 0 {
		var rep struct {
			Return struct{ Status int } `json:"return"`
		}
		_ = json.Unmarshal(data, &rep)
		status = rep.Return.Status // Kavenegar answers with its status as the HTTP status
		if status == 0 {
			status = 200
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func (f *fakeAPI) calledWith() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

func newGateway(t testing.TB, api http.Handler, adjust func(*kavenegar.Config)) *kavenegar.Gateway {
	t.Helper()
	base := "http://127.0.0.1:1"
	if api != nil {
		srv := httptest.NewServer(api)
		t.Cleanup(srv.Close)
		base = srv.URL
	}
	cfg := kavenegar.Config{ChannelID: 1, APIKey: testKey, Sender: testLine, APIBase: base, CallbackSecret: testSecret}
	if adjust != nil {
		adjust(&cfg)
	}
	g, err := kavenegar.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// env is a Kavenegar gateway whose callbacks, served by an httptest
// server, feed a real inbox on PostgreSQL.
type env struct {
	pool *pgxpool.Pool
	ib   *inbox.Inbox
	ch   int64
	gw   *kavenegar.Gateway
	rec  *smstest.Recorder
	srv  *httptest.Server
}

func newEnv(t testing.TB, api http.Handler) *env {
	t.Helper()
	pool := dbtest.New(t)
	ib := inbox.New(pool, inbox.Config{}, nil)
	ch, err := ib.CreateChannel(context.Background(), channels.SMS, "kavenegar", nil)
	if err != nil {
		t.Fatal(err)
	}
	gw := newGateway(t, api, func(c *kavenegar.Config) { c.ChannelID = ch })
	e := &env{pool: pool, ib: ib, ch: ch, gw: gw, rec: &smstest.Recorder{Next: ib}}
	mux := http.NewServeMux()
	mux.Handle("/webhooks/kavenegar/in/{secret}", gw.InboundHandler(ib))
	mux.Handle("/webhooks/kavenegar/in", gw.InboundHandler(ib))
	mux.Handle("/webhooks/kavenegar/status/{secret}", gw.StatusHandler(e.rec))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// do sends a request to the webhook server and returns status and body.
func (e *env) do(t testing.TB, method, target, contentType, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

func (e *env) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	return dbtest.Count(t, e.pool, sql, args...)
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

// errorReason decodes a JSON {"error": reason} reply.
func errorReason(t testing.TB, resp *http.Response, body string) string {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error reply Content-Type = %q, want application/json (body %q)", ct, body)
	}
	var v struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Error == "" {
		t.Fatalf("error reply %q is not {\"error\": reason}", body)
	}
	return v.Error
}
