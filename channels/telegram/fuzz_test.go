package telegram

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzWebhook posts arbitrary bodies to the webhook in front of the real
// inbox: nothing panics, a request without the secret is refused, and bad
// input never gets a 5xx (which would make Telegram retry it forever).
//
//	go test -run '^$' -fuzz FuzzWebhook -fuzztime 30s ./channels/telegram/
func FuzzWebhook(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "updates", "*.json"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, true)
	}
	for _, s := range []string{``, `{}`, `null`, `[]`, `"x"`, `{"update_id":1,"message":{}}`,
		`{"message":{"message_id":1,"from":{"id":1},"chat":{"id":1,"type":"private"},"date":-1,"text":"\u0000\ud800"}}`,
		`{"edited_message":{"message_id":1,"from":{"id":1},"chat":{"id":1,"type":"private"},"edit_date":99999999999}}`,
		`{"message":{"message_id":1,"from":{"id":1},"chat":{"id":1,"type":"private"},"contact":{"phone_number":"abc","user_id":1}}}`,
		`{"message":{"message_id":1,"from":{"id":1},"chat":{"id":1,"type":"private"},"contact":{"phone_number":"+\u0000۰۹","user_id":1}}}`,
		`{"message":{"message_id":2,"from":{"id":2,"first_name":"\u0000\ud800","last_name":"` + strings.Repeat("ی", 5000) + `"},` +
			`"chat":{"id":2,"type":"private"},"document":{"file_id":"x","file_name":"\u0000","mime_type":"\u0000/\u0000"},"caption":"\u0000"}}`,
		`{"message":{"message_id":3,"from":{"id":9223372036854775807},"chat":{"id":9223372036854775807,"type":"private"},` +
			`"location":{"latitude":1e308,"longitude":-1e308},"reply_to_message":{"message_id":-4}}}`,
	} {
		f.Add([]byte(s), true)
	}
	f.Add([]byte(`{}`), false)
	e := newEnv(f)
	h := NewWebhook(e.ch, testSecret, e.ib, nil)
	f.Fuzz(func(t *testing.T, body []byte, authed bool) {
		req := httptest.NewRequest(http.MethodPost, "/telegram", bytes.NewReader(body))
		if authed {
			req.Header.Set(SecretHeader, testSecret)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch {
		case !authed && rec.Code != http.StatusUnauthorized:
			t.Fatalf("without the secret: %d", rec.Code)
		case rec.Code >= 500:
			t.Fatalf("%d %s for %q", rec.Code, rec.Body, body)
		case rec.Code != http.StatusOK && !bytes.Contains(rec.Body.Bytes(), []byte(`"error"`)):
			t.Fatalf("%d without a reason: %q", rec.Code, rec.Body)
		}
	})
}
