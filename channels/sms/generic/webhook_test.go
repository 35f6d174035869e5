package generic_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels/sms/internal/smstest"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/generic"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

const secret = "gw-5ecret"

type env struct {
	pool *pgxpool.Pool
	ib   *inbox.Inbox
	ch   int64
	rec  *smstest.Recorder
	srv  *httptest.Server
}

// newEnv serves two generic gateways on one real inbox: one with default
// field names and the secret in the URL, one with JSON paths and the
// secret in a header.
func newEnv(t *testing.T) *env {
	t.Helper()
	pool := dbtest.New(t)
	ib := inbox.New(pool, inbox.Config{}, nil)
	ch, err := ib.CreateChannel(context.Background(), channels.SMS, "gateway", nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := generic.New(generic.Config{ChannelID: ch, SendURL: "https://gw.example.com/send", Secret: secret, ReportWait: -1})
	if err != nil {
		t.Fatal(err)
	}
	nested, err := generic.New(generic.Config{ChannelID: ch, SendURL: "https://gw.example.com/send",
		Secret: secret, SecretHeader: "X-Gateway-Token", ReportWait: -1,
		Inbound: generic.InboundFields{From: "message.sender.number", Text: "message.body", ID: "message.id", To: "line"},
		Status: generic.StatusFields{ID: "report.ref", Status: "report.state", Error: "report.reason",
			Values: map[string]string{"DELIVRD": "delivered", "UNDELIV": "failed", "ACCEPTD": "sent"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{pool: pool, ib: ib, ch: ch, rec: &smstest.Recorder{Next: ib}}
	mux := http.NewServeMux()
	mux.Handle("/plain/in/{secret}", plain.InboundHandler(ib))
	mux.Handle("/plain/status/{secret}", plain.StatusHandler(e.rec))
	mux.Handle("/nested/in", nested.InboundHandler(ib))
	mux.Handle("/nested/status", nested.StatusHandler(e.rec))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) do(t *testing.T, method, target, contentType, body string, header ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *env) count(t *testing.T, sql string) int {
	t.Helper()
	return dbtest.Count(t, e.pool, sql)
}

const form = "application/x-www-form-urlencoded"

func TestInbound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		name, method, target, ct, body string
		header                         []string
	}{
		{"form", "POST", "/plain/in/" + secret, form, "from=09121234567&to=3000&text=%D8%B3%D9%84%D8%A7%D9%85&id=g-1", nil},
		{"query", "GET", "/plain/in/" + secret + "?from=%2B989121234567&text=hi&id=g-2", "", "", nil},
		{"JSON default names", "POST", "/plain/in/" + secret, "application/json", `{"from":"0098 912 123 4567","text":"سفارش","id":3}`, nil},
		{"JSON paths", "POST", "/nested/in", "application/json; charset=utf-8",
			`{"line":"3000","message":{"id":"g-4","body":"کی می\u200cرسد؟","sender":{"number":"۰۹۱۲۱۲۳۴۵۶۷"}}}`,
			[]string{"X-Gateway-Token", secret}},
	} {
		if status, body := e.do(t, tc.method, tc.target, tc.ct, tc.body, tc.header...); status != 200 {
			t.Fatalf("%s: %d %s", tc.name, status, body)
		}
	}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	for k, v := range map[string]string{"from": "989121234567", "text": "multipart", "id": "g-5"} {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	if status, body := e.do(t, "POST", "/plain/in/"+secret, mw.FormDataContentType(), mp.String()); status != 200 {
		t.Fatalf("multipart: %d %s", status, body)
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 5 {
		t.Fatalf("messages = %d, want 5", n)
	}
	// Five spellings of one number are one contact in one conversation.
	if n := e.count(t, `SELECT count(*) FROM conversations`); n != 1 {
		t.Fatalf("conversations = %d, want 1", n)
	}
	var body string
	if err := e.pool.QueryRow(context.Background(), `SELECT body FROM messages WHERE external_id = 'g-4'`).Scan(&body); err != nil || body != "کی می\u200cرسد؟" {
		t.Fatalf("g-4 body = %q, %v", body, err)
	}
}

func TestInboundRejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	good := "from=09121234567&text=hi&id=g-1"
	for _, tc := range []struct {
		name, method, target, ct, body string
		header                         []string
		status                         int
		reason                         string
	}{
		{"wrong secret", "POST", "/plain/in/nope", form, good, nil, 403, "secret"},
		{"no header", "POST", "/nested/in", "application/json", `{}`, nil, 403, "X-Gateway-Token"},
		{"wrong header", "POST", "/nested/in", "application/json", `{}`, []string{"X-Gateway-Token", "nope"}, 403, "X-Gateway-Token"},
		{"secret in URL for a header gateway", "POST", "/nested/in?secret=" + secret, "application/json", `{}`, nil, 403, "X-Gateway-Token"},
		{"malformed JSON", "POST", "/plain/in/" + secret, "application/json", `{"from":`, nil, 400, "malformed JSON"},
		{"JSON array", "POST", "/plain/in/" + secret, "application/json", `[1]`, nil, 400, "malformed JSON"},
		{"JSON null", "POST", "/plain/in/" + secret, "application/json", `null`, nil, 400, "JSON object"},
		{"malformed form", "POST", "/plain/in/" + secret, form, "from=%zz", nil, 400, "malformed form"},
		{"no id", "POST", "/plain/in/" + secret, form, "from=0912&text=x", nil, 400, "message id field id"},
		{"sender is an object", "POST", "/nested/in", "application/json", `{"message":{"id":"1","sender":{"number":{"x":1}}}}`,
			[]string{"X-Gateway-Token", secret}, 400, "message.sender.number"},
		{"DELETE", "DELETE", "/plain/in/" + secret, "", "", nil, 405, "GET or POST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.do(t, tc.method, tc.target, tc.ct, tc.body, tc.header...)
			var v struct{ Error string }
			_ = json.Unmarshal([]byte(body), &v)
			if status != tc.status || !strings.Contains(v.Error, tc.reason) {
				t.Fatalf("= %d %s, want %d mentioning %q", status, body, tc.status, tc.reason)
			}
		})
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 0 {
		t.Fatalf("messages = %d after rejected webhooks, want 0", n)
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct{ target, ct, body string }{
		{"/plain/status/" + secret, form, "id=m1&status=Delivered"},
		{"/plain/status/" + secret, form, "id=m2&status=undelivered&error=absent+subscriber"},
		{"/plain/status/" + secret, form, "id=m3&status=enroute"},
		{"/nested/status", "application/json", `{"report":{"ref":"m4","state":"UNDELIV"}}`},
		{"/nested/status", "application/json", `{"report":{"ref":5,"state":"ACCEPTD"}}`},
	} {
		if status, body := e.do(t, "POST", tc.target, tc.ct, tc.body, "X-Gateway-Token", secret); status != 200 {
			t.Fatalf("%s %s: %d %s", tc.target, tc.body, status, body)
		}
	}
	var got []string
	for _, u := range e.rec.Updates() {
		got = append(got, u.ExternalID+" "+u.Status+" "+u.Error)
	}
	want := []string{"m1 delivered ", "m2 failed absent subscriber", "m4 failed UNDELIV", "5 sent "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("updates = %q, want %q", got, want)
	}
	status, body := e.do(t, "POST", "/plain/status/"+secret, form, "status=delivered")
	if status != 400 || !strings.Contains(body, "missing field") {
		t.Fatalf("no id = %d %s", status, body)
	}
}

// TestStatusBeforeSendStored: a delivery report that arrives before the id
// it names is stored (Kannel's report can beat the reply to sendsms) is
// tried again until the message is there, then applied.
func TestStatusBeforeSendStored(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	g, err := generic.New(generic.Config{ChannelID: e.ch, SendURL: "https://gw.example.com/send", Secret: secret,
		Status: generic.StatusFields{Values: map[string]string{"1": "delivered", "2": "failed"}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g.StatusHandler(e.rec))
	t.Cleanup(srv.Close)
	done := make(chan int, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/?secret=" + secret + "&id=late-1&status=1")
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	// Wait until the report has been tried once, then store the message.
	for len(e.rec.Updates()) == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	in := channels.Inbound{ChannelID: e.ch, ExternalID: "late-1", Kind: channels.KindText,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "+989121234567"}, Text: "x"}
	if err := e.ib.Ingest(context.Background(), []channels.Inbound{in}); err != nil {
		t.Fatal(err)
	}
	if status := <-done; status != 200 {
		t.Fatalf("report = %d", status)
	}
	var st string
	if err := e.pool.QueryRow(context.Background(), `SELECT status FROM messages WHERE external_id = 'late-1'`).Scan(&st); err != nil || st != "delivered" {
		t.Fatalf("status = %q, %v", st, err)
	}
	if n := len(e.rec.Updates()); n < 2 {
		t.Fatalf("report tried %d times, want a retry", n)
	}
}
