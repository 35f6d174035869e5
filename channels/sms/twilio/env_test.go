package twilio_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels/sms/internal/smstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/twilio"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

const (
	testSID   = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
	testToken = "0123456789abcdef0123456789abcdef"
	inPath    = "/webhooks/twilio/sms"
	stPath    = "/webhooks/twilio/status"
)

// env is a Twilio gateway whose webhooks, served by an httptest server,
// feed a real inbox on PostgreSQL.
type env struct {
	pool *pgxpool.Pool
	ib   *inbox.Inbox
	ch   int64
	gw   *twilio.Gateway
	rec  *smstest.Recorder
	srv  *httptest.Server
}

func newEnv(t testing.TB, adjust func(*twilio.Config)) *env {
	t.Helper()
	pool := dbtest.New(t)
	ib := inbox.New(pool, inbox.Config{}, nil)
	ch, err := ib.CreateChannel(context.Background(), channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := twilio.Config{ChannelID: ch, AccountSID: testSID, AuthToken: testToken, From: "+14155552671"}
	if adjust != nil {
		adjust(&cfg)
	}
	gw, err := twilio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{pool: pool, ib: ib, ch: ch, gw: gw, rec: &smstest.Recorder{Next: ib}}
	mux := http.NewServeMux()
	mux.Handle(inPath, gw.InboundHandler(ib))
	mux.Handle(stPath, gw.StatusHandler(e.rec))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// post sends form to path signed with sig; sign computes the signature
// Twilio would send.
func (e *env) post(t testing.TB, path, body, sig string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

// sign is the signature Twilio sends for form posted to path.
func (e *env) sign(path string, form url.Values) string {
	return twilio.Signature(testToken, e.srv.URL+path, form)
}

// postSigned posts form to path with a valid signature.
func (e *env) postSigned(t testing.TB, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	return e.post(t, path, form.Encode(), e.sign(path, form))
}

func (e *env) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	return dbtest.Count(t, e.pool, sql, args...)
}

// readForm loads a form payload from testdata.
func readForm(t testing.TB, name string) url.Values {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	form, err := url.ParseQuery(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return form
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
