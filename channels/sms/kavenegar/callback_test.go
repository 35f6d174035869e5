package kavenegar_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels/sms/kavenegar"
)

const formType = "application/x-www-form-urlencoded"

func TestCallbackStored(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	form := readFile(t, "callback.form")
	fields, _ := url.ParseQuery(form)
	// The secret as a path segment, as a query parameter, and by GET.
	for _, tc := range []struct{ method, target, body string }{
		{http.MethodPost, "/webhooks/kavenegar/in/" + testSecret, form},
		{http.MethodPost, "/webhooks/kavenegar/in?secret=" + testSecret, form},
		{http.MethodGet, "/webhooks/kavenegar/in?secret=" + testSecret + "&" + strings.Replace(form, "51237001", "51237002", 1), ""},
	} {
		resp, body := e.do(t, tc.method, tc.target, formType, tc.body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s = %d %s", tc.method, tc.target, resp.StatusCode, body)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 2 {
		t.Fatalf("messages = %d, want 2 (the repeat adds nothing)", n)
	}
	var text, identity string
	err := e.pool.QueryRow(context.Background(), `SELECT m.body, i.value FROM messages m
		JOIN conversations c ON c.id = m.conversation_id
		JOIN contact_identities i ON i.contact_id = c.contact_id
		WHERE m.external_id = 'in-51237001'`).Scan(&text, &identity)
	if err != nil {
		t.Fatal(err)
	}
	if text != fields.Get("message") || identity != "+989121234567" {
		t.Fatalf("stored %q from %q", text, identity)
	}
}

// Each bad callback gets a 4xx with a JSON reason and stores nothing.
func TestCallbackRejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	form := readFile(t, "callback.form")
	for _, tc := range []struct {
		name, method, target, body string
		status                     int
		reason                     string
	}{
		{"no secret", "POST", "/webhooks/kavenegar/in", form, 403, "secret"},
		{"wrong secret in path", "POST", "/webhooks/kavenegar/in/kv-wrong", form, 403, "secret"},
		{"wrong secret in query", "POST", "/webhooks/kavenegar/in?secret=" + testSecret + "x", form, 403, "secret"},
		{"secret prefix", "POST", "/webhooks/kavenegar/in/" + testSecret[:4], form, 403, "secret"},
		{"secret in the body", "POST", "/webhooks/kavenegar/in", form + "&secret=" + testSecret, 403, "secret"},
		{"malformed form", "POST", "/webhooks/kavenegar/in/" + testSecret, "from=%zz&messageid=1", 400, "malformed form"},
		{"no messageid", "POST", "/webhooks/kavenegar/in/" + testSecret, "from=09121234567&message=hi", 400, "messageid"},
		{"no sender", "POST", "/webhooks/kavenegar/in/" + testSecret, "to=10004346&message=hi&messageid=9", 400, "not a phone number"},
		{"PUT", "PUT", "/webhooks/kavenegar/in/" + testSecret, form, 405, "GET or POST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(t, tc.method, tc.target, formType, tc.body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d %s, want %d", resp.StatusCode, body, tc.status)
			}
			if reason := errorReason(t, resp, body); !strings.Contains(reason, tc.reason) {
				t.Fatalf("reason %q, want it to mention %q", reason, tc.reason)
			}
		})
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 0 {
		t.Fatalf("messages = %d after rejected callbacks, want 0", n)
	}
}

// A channel without a callback secret refuses every callback.
func TestCallbackWithoutSecretRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	blank := newGateway(t, nil, func(c *kavenegar.Config) { c.CallbackSecret = ""; c.ChannelID = e.ch })
	mux := http.NewServeMux()
	mux.Handle("/in/{secret}", blank.InboundHandler(e.ib))
	for _, target := range []string{"/in/x", "/in/%20"} {
		req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(readFile(t, "callback.form")))
		req.Header.Set("Content-Type", formType)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "callback secret") {
			t.Fatalf("%s = %d %s, want 403", target, w.Code, w.Body.String())
		}
	}
}
