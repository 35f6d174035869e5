package generic_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
		{"bad regexp", generic.Config{SendURL: "https://x", ResponseIDRegexp: "OK (\\d+"}, "response_id_regexp"},
		{"no group", generic.Config{SendURL: "https://x", ResponseIDRegexp: "OK \\d+"}, "want one"},
		{"two groups", generic.Config{SendURL: "https://x", ResponseIDRegexp: "(OK) (\\d+)"}, "want one"},
		{"two id sources", generic.Config{SendURL: "https://x", ResponseIDPath: "id", ExternalID: "{{.MessageID}}"}, "at most one"},
		{"bad external id", generic.Config{SendURL: "https://x", ExternalID: "{{.MessageID"}, "template external_id"},
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

// TestSendPlainTextID: a gateway that answers in plain text yields its id
// through response_id_regexp; Kannel, which returns none, is matched by
// our own id (external_id) that the dlr-url carries back.
func TestSendPlainTextID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, reply string
		cfg         generic.Config
		want        string
		mention     string
	}{
		{name: "OK id", reply: "OK 12345\n", cfg: generic.Config{ResponseIDRegexp: `^OK (\d+)`}, want: "12345"},
		{name: "id anywhere", reply: "status=0; msgid= A-9 ;", cfg: generic.Config{ResponseIDRegexp: `msgid=([^;]+)`}, want: "A-9"},
		{name: "Kannel", reply: "0: Accepted for delivery", cfg: generic.Config{ExternalID: "peyk-{{.MessageID}}"}, want: "peyk-9"},
		{name: "no match", reply: "ERR 17: no credit", cfg: generic.Config{ResponseIDRegexp: `^OK (\d+)`}, mention: `no id matching "^OK (\\d+)": ERR 17`},
		{name: "empty group", reply: "OK ", cfg: generic.Config{ResponseIDRegexp: `^OK ?(\d*)`}, mention: "no id matching"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.SendURL = "BASE/send"
			tc.cfg.Method = "GET"
			tc.cfg.Form = map[string]string{"to": "{{.To}}", "dlr-url": "https://peyk.example.com/webhooks/7/status?id=peyk-{{.MessageID}}&status=%d"}
			s := &gatewayServer{status: 202, reply: tc.reply}
			res, err := newSender(t, s, tc.cfg).Send(context.Background(), out)
			if tc.mention != "" {
				if !errors.Is(err, channels.ErrPermanent) || !strings.Contains(err.Error(), tc.mention) {
					t.Fatalf("err = %v, want permanent mentioning %q", err, tc.mention)
				}
				return
			}
			if err != nil || res.ExternalID != tc.want {
				t.Fatalf("Send = %+v, %v; want id %q", res, err, tc.want)
			}
			if got := s.got[0].URL.Query().Get("dlr-url"); !strings.Contains(got, "id=peyk-9&status=%d") {
				t.Fatalf("dlr-url = %q", got)
			}
		})
	}
}

// TestSendErrorsHideSecrets: a password in the send URL's query, a form
// field, a header or the body never shows in a send error, whether the
// error names the URL (a refused connection) or the gateway echoes it.
func TestSendErrorsHideSecrets(t *testing.T) {
	t.Parallel()
	const pw, token, pin = "p@ss w&rd-91", "tok-5ecret-77", "pin-4455"
	cfg := func(base string) generic.Config {
		return generic.Config{
			SendURL: base + "/cgi-bin/sendsms?username=peyk&password=" + url.QueryEscape(pw) + "&to={{urlquery .To}}",
			Method:  "GET", Form: map[string]string{"text": "{{.Text}}", "pin": pin},
			Headers: map[string]string{"Authorization": "Bearer " + token}, SecretParams: []string{"pin"},
		}
	}
	// Nothing listens on a closed server's address: *url.Error names the URL.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	g, err := generic.New(cfg(closed.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, refused := g.Send(context.Background(), out)
	// A gateway that echoes the request in its error reply.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "Authorization failed for %s (%s)", r.URL.RawQuery, r.Header.Get("Authorization"))
	}))
	t.Cleanup(echo.Close)
	g, err = generic.New(cfg(echo.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, echoed := g.Send(context.Background(), out)
	for name, err := range map[string]error{"refused": refused, "echoed": echoed} {
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		msg := err.Error()
		for _, leak := range []string{pw, url.QueryEscape(pw), token, pin} {
			if strings.Contains(msg, leak) {
				t.Errorf("%s: error shows %q: %s", name, leak, msg)
			}
		}
		if !strings.Contains(msg, "REDACTED") {
			t.Errorf("%s: error = %s, want the secret masked", name, msg)
		}
		var ue *url.Error
		if errors.As(err, &ue) && strings.Contains(ue.URL, url.QueryEscape(pw)) {
			t.Errorf("%s: url.Error keeps the password: %s", name, ue.URL)
		}
	}
	if !errors.Is(echoed, channels.ErrPermanent) {
		t.Errorf("403 lost its kind: %v", echoed)
	}
}
