package twilio_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/twilio"
)

// memSink keeps what it is given, for tests that need no database.
type memSink struct {
	mu  sync.Mutex
	got []channels.Inbound
}

func (s *memSink) Ingest(_ context.Context, batch []channels.Inbound) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, batch...)
	return nil
}

// FuzzTwilioWebhook posts arbitrary bodies and signatures to the inbound
// webhook. It must never panic, answer only 200, 400 or 403, store exactly
// one well-formed message on 200 and nothing otherwise, and accept a
// correctly signed well-formed body.
func FuzzTwilioWebhook(f *testing.F) {
	for _, name := range []string{"inbound.form", "inbound_mms.form", "status_delivered.form"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data), "", true)
	}
	f.Add("MessageSid=SM1&From=0912&Body=%D8%B3", "", true)
	f.Add("MessageSid=SM1&From=0912&NumMedia=1&MediaUrl0=x", "", true)
	f.Add("MessageSid=SM1&From=0912&NumMedia=-1", "", true)
	f.Add("a=%zz", "x", false)
	f.Add("a;b=c", "", true)
	f.Add("", "", true)
	f.Add("MessageSid=SM1&From=%2B98912", "GvWf1cFY/Q7PnoempGyD5oXAezc=", false)

	const hookURL = "http://peyk.test/webhooks/twilio/sms"
	g, err := twilio.New(twilio.Config{ChannelID: 1, AccountSID: testSID, AuthToken: testToken, From: "+1"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body, sig string, sign bool) {
		form, parseErr := url.ParseQuery(body)
		if sign && parseErr == nil {
			sig = twilio.Signature(testToken, hookURL, form)
		}
		sink := &memSink{}
		req := httptest.NewRequest(http.MethodPost, hookURL, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sig != "" {
			req.Header.Set("X-Twilio-Signature", sig)
		}
		w := httptest.NewRecorder()
		g.InboundHandler(sink).ServeHTTP(w, req)

		switch w.Code {
		case http.StatusOK:
			if len(sink.got) != 1 {
				t.Fatalf("200 with %d messages stored", len(sink.got))
			}
			if parseErr != nil || !twilio.ValidSignature(testToken, sig, hookURL, form) {
				t.Fatalf("200 for a body that is malformed (%v) or badly signed", parseErr)
			}
			in := sink.got[0]
			if in.ExternalID == "" || !strings.ContainsFunc(in.From.Value, unicode.IsDigit) || in.ChannelID != 1 {
				t.Fatalf("stored a malformed message %+v", in)
			}
			if in.Text != form.Get("Body") {
				t.Fatalf("text %q, want %q", in.Text, form.Get("Body"))
			}
		case http.StatusBadRequest, http.StatusForbidden:
			if len(sink.got) != 0 {
				t.Fatalf("%d but %d messages stored", w.Code, len(sink.got))
			}
			if w.Header().Get("Content-Type") != "application/json" || !strings.Contains(w.Body.String(), `"error"`) {
				t.Fatalf("%d without a JSON reason: %q", w.Code, w.Body.String())
			}
			if w.Code == http.StatusForbidden && sign && parseErr == nil {
				t.Fatalf("403 for a correctly signed body: %s", w.Body.String())
			}
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}
