package kavenegar_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/peykhq/peyk/channels"
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

// FuzzKavenegarCallback calls the inbound callback with arbitrary URL
// queries and bodies, with and without the secret. It must never panic,
// answer only 200, 400 or 403, store one well-formed message on 200 and
// nothing otherwise, and never accept a request without the secret.
func FuzzKavenegarCallback(f *testing.F) {
	f.Add("secret="+testSecret, readFile(f, "callback.form"), true)
	f.Add("secret="+testSecret, "from=0912&messageid=1&message=%D8%B3", false)
	f.Add("secret=x", readFile(f, "callback.form"), false)
	f.Add("", readFile(f, "callback.form"), false)
	f.Add("secret="+testSecret+"&from=0912&messageid=7", "", false)
	f.Add("secret="+testSecret, "from=%zz", false)
	f.Add("secret=%zz", "a;b", false)
	f.Add("secret="+testSecret+"&secret=x", "from=1&messageid=1", false)

	g := newGateway(f, nil, nil)
	f.Fuzz(func(t *testing.T, query, body string, post bool) {
		target := "http://peyk.test/webhooks/kavenegar/in"
		if _, err := url.ParseQuery(query); err == nil && !strings.ContainsAny(query, "# \t\r\n") {
			target += "?" + query
		}
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		req, err := http.NewRequest(method, target, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.Header.Set("Content-Type", formType)
		sink := &memSink{}
		w := httptest.NewRecorder()
		g.InboundHandler(sink).ServeHTTP(w, req)

		hasSecret := req.URL.Query().Get("secret") == testSecret
		switch w.Code {
		case http.StatusOK:
			if !hasSecret {
				t.Fatalf("200 without the secret: %s", target)
			}
			if len(sink.got) != 1 {
				t.Fatalf("200 with %d messages", len(sink.got))
			}
			in := sink.got[0]
			if !strings.HasPrefix(in.ExternalID, "in-") || len(in.ExternalID) == 3 ||
				!strings.ContainsFunc(in.From.Value, unicode.IsDigit) {
				t.Fatalf("stored a malformed message %+v", in)
			}
		case http.StatusBadRequest, http.StatusForbidden:
			if len(sink.got) != 0 {
				t.Fatalf("%d but %d stored", w.Code, len(sink.got))
			}
			if w.Code == http.StatusForbidden && hasSecret {
				t.Fatalf("403 with the right secret: %s", w.Body.String())
			}
			if !strings.Contains(w.Body.String(), `"error"`) {
				t.Fatalf("%d without a JSON reason", w.Code)
			}
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}
