package phonelog_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/internal/twiliosig"
	"github.com/peykhq/peyk/channels/phonelog"
)

const (
	hookURL     = "https://peyk.example.com/hooks/calls/1"
	hookSecret  = "s3cret-و-رمز"
	twilioToken = "12345"
)

// post sends body to h and returns the status and the decoded reply.
func post(t *testing.T, h http.Handler, target, contentType, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var reply map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &reply); err != nil {
		t.Fatalf("reply %q is not JSON: %v", w.Body.String(), err)
	}
	return w.Code, reply
}

func TestWebhookJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := phonelog.NewWebhook(e.phone, testConfig, e.ib, hookSecret)
	auth := map[string]string{"X-Peyk-Secret": hookSecret}
	const answered = `{"id":"1774069200.1","direction":"in","from":"0912 123 4567","to":"02188776655","disposition":"ANSWERED",
		"duration":200,"billsec":"192","start":"2026-03-21 09:00:00","recording_url":"https://pbx/rec/1.wav","name":"علی رضایی"}`
	tests := []struct {
		name        string
		target      string
		contentType string
		header      map[string]string
		body        string
		status      int
		added       int    // messages added
		reply       string // in the reply
	}{
		{"answered", hookURL, "application/json", auth, answered, 200, 1, `"stored":1`},
		{"retried", hookURL, "application/json; charset=utf-8", auth, answered, 200, 0, `"stored":1`},
		{"secret in query", hookURL + "?secret=" + url.QueryEscape(hookSecret), "application/json", nil,
			`{"id":"2","from":"09121234567","to":"100","disposition":"no answer","start":"2026-03-21T10:00:00+03:30"}`, 200, 1, `"stored":1`},
		{"array", hookURL, "application/json", auth, `[{"id":"3","from":"101","to":"09351112233","disposition":"BUSY"},
			{"id":"4","direction":"out","from":"02188776655","to":"09351112233","disposition":"ANSWERED","duration":61,"billsec":60}]`, 200, 2, `"stored":2`},
		{"internal", hookURL, "application/json", auth, `{"id":"5","from":"101","to":"102","disposition":"ANSWERED"}`, 200, 0, `"ignored":"1 skipped`},
		{"wrong secret", hookURL, "application/json", map[string]string{"X-Peyk-Secret": "guess"}, answered, 401, 0, "secret"},
		{"no secret", hookURL, "application/json", nil, answered, 401, 0, "secret"},
		{"wrong secret in query", hookURL + "?secret=guess", "application/json", nil, answered, 401, 0, "secret"},
		{"not JSON", hookURL, "application/json", auth, `{"id":`, 400, 0, "not a JSON call event"},
		{"no id", hookURL, "application/json", auth, `{"from":"09121234567","disposition":"BUSY"}`, 400, 0, `\"id\" is missing`},
		{"bad disposition", hookURL, "application/json", auth, `{"id":"6","from":"09121234567","disposition":"RANG"}`, 400, 0, "disposition"},
		{"bad start", hookURL, "application/json", auth, `{"id":"7","from":"09121234567","disposition":"BUSY","start":"21/3/2026"}`, 400, 0, "start"},
		{"bad duration", hookURL, "application/json", auth, `{"id":"8","from":"09121234567","disposition":"BUSY","duration":-3}`, 400, 0, "seconds"},
		{"bad direction", hookURL, "application/json", auth, `{"id":"9","direction":"sideways","from":"09121234567","disposition":"BUSY"}`, 400, 0, "direction"},
		{"no caller", hookURL, "application/json", auth, `{"id":"10","from":"","disposition":"BUSY"}`, 200, 0, `"stored":0`},
		{"anonymous caller", hookURL, "application/json", auth, `{"id":"10a","from":"anonymous","name":"Anonymous","disposition":"NO ANSWER"}`, 200, 0, `without a caller number`},
		{"no callee", hookURL, "application/json", auth, `{"id":"10b","direction":"out","from":"101","to":"","disposition":"BUSY"}`, 400, 0, "no customer number"},
		{"bad event in array", hookURL, "application/json", auth, `[{"id":"11","from":"09121234567","disposition":"BUSY"},{"id":"12"}]`, 400, 0, "event 1"},
		{"empty array", hookURL, "application/json", auth, `[]`, 400, 0, "0 events"},
		{"plain text", hookURL, "text/plain", auth, answered, 415, 0, "application/json"},
		{"too large", hookURL, "application/json", auth, `{"id":"13","name":"` + strings.Repeat("x", 2<<20) + `"}`, 413, 0, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.count(t, `SELECT count(*) FROM messages`)
			status, reply := post(t, h, tt.target, tt.contentType, tt.body, tt.header)
			js, _ := json.Marshal(reply)
			if status != tt.status || !strings.Contains(string(js), tt.reply) {
				t.Errorf("%d %s, want %d and %q", status, js, tt.status, tt.reply)
			}
			if status != 200 && reply["error"] == nil {
				t.Errorf("reply %s has no error", js)
			}
			if added := e.count(t, `SELECT count(*) FROM messages`) - before; added != tt.added {
				t.Errorf("%d messages added, want %d", added, tt.added)
			}
		})
	}
	t.Run("stored call", func(t *testing.T) {
		_, msgs := e.timeline(t, "+989121234567")
		m := msgs[0]
		if m.Kind != "call" || m.Direction != "in" || m.Body != "Answered call, 3m12s" || m.Call.Disposition != "ANSWERED" ||
			m.Call.Duration != 200 || m.Call.Billable != 192 || m.Call.RecordingURL != "https://pbx/rec/1.wav" || *m.ExternalID != "pbx:1774069200.1" {
			t.Errorf("message %+v, call %+v", m, m.Call)
		}
	})
	t.Run("GET", func(t *testing.T) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, hookURL, nil))
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("status %d", w.Code)
		}
	})
}

// twilioForm is a call status callback as Twilio posts it.
func twilioForm(sid, status, direction, duration string) url.Values {
	v := url.Values{"CallSid": {sid}, "AccountSid": {"AC0123"}, "From": {"+989121234567"}, "To": {"+982188776655"},
		"Direction": {direction}, "CallStatus": {status}, "ApiVersion": {"2010-04-01"},
		"Timestamp": {"Sat, 21 Mar 2026 05:33:12 +0000"}, "CallbackSource": {"call-progress-events"}}
	if duration != "" {
		v.Set("CallDuration", duration)
	}
	if direction != "inbound" {
		v.Set("From", "+982188776655")
		v.Set("To", "+989351112233")
	}
	return v
}

func sign(target string, form url.Values) map[string]string {
	return map[string]string{"X-Twilio-Signature": twiliosig.Signature(twilioToken, target, form)}
}

func TestWebhookTwilio(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := testConfig
	cfg.TwilioAuthToken = twilioToken
	h := phonelog.NewWebhook(e.phone, cfg, e.ib, hookSecret)
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name   string
		values url.Values
		header map[string]string // nil: signed
		target string
		status int
		want   string // disposition, direction and customer of the stored call, or the reply
	}{
		{"completed", twilioForm("CA1", "completed", "inbound", "42"), nil, hookURL, 200, "ANSWERED in +989121234567 42s"},
		{"completed but silent", twilioForm("CA2", "completed", "inbound", "0"), nil, hookURL, 200, "NO ANSWER in +989121234567 0s"},
		{"busy", twilioForm("CA3", "busy", "inbound", ""), nil, hookURL, 200, "BUSY in +989121234567 0s"},
		{"no-answer", twilioForm("CA4", "no-answer", "inbound", ""), nil, hookURL, 200, "NO ANSWER in +989121234567 0s"},
		{"failed", twilioForm("CA5", "failed", "inbound", ""), nil, hookURL, 200, "FAILED in +989121234567 0s"},
		{"canceled", twilioForm("CA6", "canceled", "inbound", ""), nil, hookURL, 200, "FAILED in +989121234567 0s"},
		{"outbound-api", twilioForm("CA7", "completed", "outbound-api", "65"), nil, hookURL, 200, "ANSWERED out +989351112233 65s"},
		{"outbound-dial", twilioForm("CA8", "no-answer", "outbound-dial", ""), nil, hookURL, 200, "NO ANSWER out +989351112233 0s"},
		{"port in URL", twilioForm("CA9", "busy", "inbound", ""), sign("https://peyk.example.com:443/hooks/calls/1", twilioForm("CA9", "busy", "inbound", "")),
			hookURL, 200, "BUSY in +989121234567 0s"},
		{"secret instead of signature", twilioForm("CA10", "busy", "inbound", ""), map[string]string{"X-Peyk-Secret": hookSecret}, hookURL, 200, "BUSY in +989121234567 0s"},
		{"ringing", twilioForm("CA11", "ringing", "inbound", ""), nil, hookURL, 200, "not final"},
		{"wrong signature", twilioForm("CA12", "busy", "inbound", ""), map[string]string{"X-Twilio-Signature": "GvWf1cFY/Q7PnoempGyD5oXAezc="}, hookURL, 401, "X-Twilio-Signature"},
		{"signed for another URL", twilioForm("CA13", "busy", "inbound", ""), sign("https://evil.example.com/hooks/calls/1", twilioForm("CA13", "busy", "inbound", "")), hookURL, 401, "X-Twilio-Signature"},
		{"tampered", twilioForm("CA14", "busy", "inbound", ""), sign(hookURL, twilioForm("CA14", "completed", "inbound", "99")), hookURL, 401, "X-Twilio-Signature"},
		{"unsigned", twilioForm("CA15", "busy", "inbound", ""), map[string]string{}, hookURL, 401, "X-Twilio-Signature"},
		{"no CallSid", twilioForm("", "busy", "inbound", ""), nil, hookURL, 400, "CallSid is missing"},
		{"unknown status", twilioForm("CA16", "exploded", "inbound", ""), nil, hookURL, 400, "CallStatus"},
		{"bad duration", twilioForm("CA17", "completed", "inbound", "long"), nil, hookURL, 400, "CallDuration"},
		{"bad direction", twilioForm("CA18", "completed", "sideways", "1"), nil, hookURL, 400, "direction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := tt.header
			if header == nil {
				header = sign(tt.target, tt.values)
			}
			before := e.count(t, `SELECT count(*) FROM messages`)
			status, reply := post(t, h, tt.target, form, tt.values.Encode(), header)
			added := e.count(t, `SELECT count(*) FROM messages`) - before
			got := fmt.Sprint(reply)
			if status == 200 && reply["stored"] == float64(1) {
				var disp, dir, from string
				var dur int64
				err := e.pool.QueryRow(context.Background(), `SELECT m.call->>'disposition', m.direction, i.value, (m.call->>'duration')::bigint
					FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contact_identities i ON i.contact_id = c.contact_id
					WHERE m.external_id = $1`, "twilio:"+tt.values.Get("CallSid")).Scan(&disp, &dir, &from, &dur)
				if err != nil {
					t.Fatal(err)
				}
				got = fmt.Sprintf("%s %s %s %ds", disp, dir, from, dur)
			}
			if status != tt.status || !strings.Contains(got, tt.want) {
				t.Errorf("%d %s, want %d %q", status, got, tt.status, tt.want)
			}
			if want := map[bool]int{true: 1}[status == 200 && reply["ignored"] == nil]; added != want {
				t.Errorf("%d messages added, want %d", added, want)
			}
		})
	}
}

// TestTwilioSignature checks Twilio's documented example.
func TestTwilioSignature(t *testing.T) {
	params := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675310"}, "Digits": {"1234"},
		"From": {"+14158675310"}, "To": {"+18005551212"}}
	got := twiliosig.Signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)
	if got != "GvWf1cFY/Q7PnoempGyD5oXAezc=" {
		t.Errorf("signature %s", got)
	}
}

func TestWebhookFailures(t *testing.T) {
	event := `{"id":"1","from":"09121234567","disposition":"BUSY"}`
	auth := map[string]string{"X-Peyk-Secret": hookSecret}
	tests := []struct {
		name   string
		h      http.Handler
		header map[string]string
		status int
		want   string
	}{
		{"database down", phonelog.NewWebhook(1, testConfig, failSink{errors.New("connection refused")}, hookSecret), auth, 500, "connection refused"},
		{"rejected", phonelog.NewWebhook(1, testConfig, failSink{fmt.Errorf("bad number: %w", channels.ErrInvalid)}, hookSecret), auth, 400, "bad number"},
		{"no secret configured", phonelog.NewWebhook(1, testConfig, &countSink{}, ""), map[string]string{"X-Peyk-Secret": ""}, 401, "secret"},
		{"bad config", phonelog.NewWebhook(1, phonelog.Config{RecordingURL: "{{"}, &countSink{}, hookSecret), auth, 500, "template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, reply := post(t, tt.h, hookURL, "application/json", event, tt.header)
			if msg, _ := reply["error"].(string); status != tt.status || !strings.Contains(msg, tt.want) {
				t.Errorf("%d %v, want %d %q", status, reply, tt.status, tt.want)
			}
		})
	}
}
