package generic_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/generic"
)

// gatewayServer records the requests it gets and answers with a fixed
// status and body.
type gatewayServer struct {
	mu      sync.Mutex
	status  int
	reply   string
	headers map[string]string
	got     []*http.Request
	bodies  []string
}

func (s *gatewayServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.got = append(s.got, r)
	s.bodies = append(s.bodies, string(b))
	s.mu.Unlock()
	for k, v := range s.headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(s.status)
	_, _ = io.WriteString(w, s.reply)
}

func newSender(t *testing.T, s *gatewayServer, cfg generic.Config) *generic.Gateway {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg.SendURL = strings.ReplaceAll(cfg.SendURL, "BASE", srv.URL)
	g, err := generic.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var out = channels.Outbound{MessageID: 9, To: channels.Identity{Kind: channels.IdentityPhone, Value: "+989121234567"},
	Text: "سلام \"مشتری\"\nسفارش شما ارسال شد & رسید"}

func TestSendJSONBody(t *testing.T) {
	t.Parallel()
	s := &gatewayServer{status: 200, reply: `{"data":{"messages":[{"id":123456789012345678}]}}`}
	g := newSender(t, s, generic.Config{
		SendURL: "BASE/api/send", From: "3000505",
		Body:           `{"to": {{json .To}}, "from": {{json .From}}, "text": {{json .Text}}, "ref": {{.MessageID}}}`,
		Headers:        map[string]string{"Authorization": "Bearer t0k"},
		ResponseIDPath: "data.messages.0.id",
	})
	res, err := g.Send(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExternalID != "123456789012345678" {
		t.Fatalf("ExternalID = %q (numbers must stay exact)", res.ExternalID)
	}
	r := s.got[0]
	want := `{"to": "+989121234567", "from": "3000505", "text": "سلام \"مشتری\"\nسفارش شما ارسال شد \u0026 رسید", "ref": 9}`
	if r.Method != "POST" || r.URL.Path != "/api/send" || r.Header.Get("Authorization") != "Bearer t0k" ||
		r.Header.Get("Content-Type") != "application/json" || s.bodies[0] != want {
		t.Fatalf("request %s %s %v\nbody %s\nwant %s", r.Method, r.URL, r.Header, s.bodies[0], want)
	}
}

func TestSendFormGET(t *testing.T) {
	t.Parallel()
	s := &gatewayServer{status: 200, reply: `OK`}
	g := newSender(t, s, generic.Config{
		SendURL: "BASE/sms?user=peyk", Method: "get",
		Form: map[string]string{"to": "{{.To}}", "msg": "{{.Text}}", "from": "{{.From}}"}, From: "3000",
	})
	res, err := g.Send(context.Background(), out)
	if err != nil || res.ExternalID != "" {
		t.Fatalf("Send = %+v, %v", res, err)
	}
	q := s.got[0].URL.Query()
	if s.got[0].Method != "GET" || q.Get("user") != "peyk" || q.Get("to") != out.To.Value || q.Get("msg") != out.Text || q.Get("from") != "3000" {
		t.Fatalf("request %s %s", s.got[0].Method, s.got[0].URL)
	}
}

func TestSendFormPOST(t *testing.T) {
	t.Parallel()
	s := &gatewayServer{status: 201, reply: `{"id":"abc-1"}`}
	g := newSender(t, s, generic.Config{
		SendURL: "BASE/send/{{urlquery .To}}",
		Form:    map[string]string{"text": "{{.Text}}"}, ResponseIDPath: "id",
	})
	res, err := g.Send(context.Background(), out)
	if err != nil || res.ExternalID != "abc-1" {
		t.Fatalf("Send = %+v, %v", res, err)
	}
	r := s.got[0]
	if r.URL.Path != "/send/+989121234567" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") ||
		!strings.Contains(s.bodies[0], "text=%D8%B3%D9%84%D8%A7%D9%85") {
		t.Fatalf("request %s %s %q", r.Method, r.URL, s.bodies[0])
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		status     int
		reply      string
		headers    map[string]string
		permanent  bool
		retryAfter time.Duration
		mention    string
	}{
		{name: "bad number", status: 422, reply: `{"error":"invalid number"}`, permanent: true, mention: "invalid number"},
		{name: "rate limited", status: 429, headers: map[string]string{"Retry-After": "3"}, retryAfter: 3 * time.Second, mention: "HTTP 429"},
		{name: "server error", status: 500, reply: strings.Repeat("x", 1000), mention: "HTTP 500"},
		{name: "no id in reply", status: 200, reply: `{"ok":true}`, permanent: true, mention: "no id at"},
		{name: "reply not JSON", status: 200, reply: `<html>`, permanent: true, mention: "no id at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newSender(t, &gatewayServer{status: tc.status, reply: tc.reply, headers: tc.headers},
				generic.Config{SendURL: "BASE/send", Body: `{}`, ResponseIDPath: "id"})
			_, err := g.Send(context.Background(), out)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, channels.ErrPermanent) != tc.permanent {
				t.Fatalf("err = %v, want permanent %v", err, tc.permanent)
			}
			var ra *channels.RetryAfterError
			if errors.As(err, &ra) != (tc.retryAfter > 0) || (ra != nil && ra.After != tc.retryAfter) {
				t.Fatalf("err = %v, want retry after %s", err, tc.retryAfter)
			}
			if !strings.Contains(err.Error(), tc.mention) || len(err.Error()) > 400 {
				t.Fatalf("err = %v, want a short error mentioning %q", err, tc.mention)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  generic.Config
		want string
	}{
		{"no URL", generic.Config{}, "send_url"},
		{"bad template", generic.Config{SendURL: "https://x/{{.To"}, "template send_url"},
		{"bad body", generic.Config{SendURL: "https://x", Body: "{{json}"}, "template body"},
		{"unknown status", generic.Config{SendURL: "https://x", Status: generic.StatusFields{Values: map[string]string{"DELIVRD": "done"}}}, "want sent, delivered or failed"},
	} {
		if _, err := generic.New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}

func TestSendUnknownField(t *testing.T) {
	g, err := generic.New(generic.Config{SendURL: "https://x/{{.Nope}}"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Send(context.Background(), out)
	if !errors.Is(err, channels.ErrPermanent) {
		t.Fatalf("err = %v, want permanent", err)
	}
}
