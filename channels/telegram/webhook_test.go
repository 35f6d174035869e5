package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
)

const testSecret = "wh_s3cret-token"

// post sends body to the webhook with secret (none when empty) and returns
// the status and the error reason.
func post(t *testing.T, url, secret string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var e struct{ Error string }
	_ = json.Unmarshal(data, &e)
	return resp.StatusCode, e.Error
}

func TestWebhook(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.api.AddFile("AgACAgQAAxkBAAIBLWX-large", "photos/file_7.jpg", []byte("jpeg"))
	b := newBot(t, e.api, e.ch)
	srv := httptest.NewServer(b.Webhook(testSecret, e.ib))
	defer srv.Close()
	text, _ := update(t, "text")
	photo, _ := update(t, "photo")
	edited, _ := update(t, "edited")
	group, _ := update(t, "group")
	tests := []struct {
		name     string
		secret   string
		body     []byte
		status   int
		reason   string
		messages int
	}{
		{name: "no secret", body: text, status: 401, reason: "missing or wrong X-Telegram-Bot-Api-Secret-Token"},
		{name: "wrong secret", secret: "wh_s3cret-tokem", body: text, status: 401, reason: "missing or wrong"},
		{name: "malformed", secret: testSecret, body: []byte(`{"update_id": 1, "message": {`), status: 400, reason: "not a Telegram update"},
		{name: "not an object", secret: testSecret, body: []byte(`[1, 2]`), status: 400, reason: "not a Telegram update"},
		{name: "wrong types", secret: testSecret, body: []byte(`{"update_id": "one"}`), status: 400, reason: "not a Telegram update"},
		{name: "too large", secret: testSecret, body: append(append([]byte(`{"message":{"text":"`), bytes.Repeat([]byte("a"), 1<<20)...), `"}}`...),
			status: 413, reason: "larger than 1048576 bytes"},
		{name: "group", secret: testSecret, body: group, status: 200},
		{name: "text", secret: testSecret, body: text, status: 200, messages: 1},
		{name: "again", secret: testSecret, body: text, status: 200, messages: 1},
		{name: "photo", secret: testSecret, body: photo, status: 200, messages: 2},
		{name: "edited", secret: testSecret, body: edited, status: 200, messages: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, reason := post(t, srv.URL, tt.secret, tt.body)
			if status != tt.status || !strings.Contains(reason, tt.reason) {
				t.Errorf("got %d %q, want %d %q", status, reason, tt.status, tt.reason)
			}
			if n := e.count(t, `SELECT count(*) FROM messages`); n != tt.messages {
				t.Errorf("%d messages stored, want %d", n, tt.messages)
			}
		})
	}
	if got, want := e.body(t, "7001:42"), "سلام، سفارش ۱۲۳۴ من کی می\u200cرسد؟"; got != want {
		t.Errorf("after the edit: %q, want %q", got, want)
	}
	if n := e.count(t, `SELECT count(*) FROM message_attachments WHERE size = 4`); n != 1 {
		t.Errorf("%d photos stored, want 1", n)
	}

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// A webhook without a secret refuses everything.
func TestWebhookNoSecret(t *testing.T) {
	t.Parallel()
	text, _ := update(t, "text")
	for _, secret := range []string{"", "x"} {
		srv := httptest.NewServer(NewWebhook(1, "", failSink{}, nil))
		status, _ := post(t, srv.URL, secret, text)
		srv.Close()
		if status != 401 {
			t.Errorf("header %q: %d, want 401", secret, status)
		}
	}
}

type failSink struct{}

func (failSink) Ingest(context.Context, []channels.Inbound) error {
	return errors.New("database is down")
}
func (failSink) Update(context.Context, []channels.Update) (int, error) {
	return 0, errors.New("database is down")
}

// When storing or downloading fails, the webhook answers 5xx so Telegram
// delivers the update again.
func TestWebhookFailures(t *testing.T) {
	t.Parallel()
	text, _ := update(t, "text")
	edited, _ := update(t, "edited")
	photo, _ := update(t, "photo")
	tests := []struct {
		name   string
		body   []byte
		files  Files
		status int
	}{
		{"ingest", text, nil, 500},
		{"update", edited, nil, 500},
		{"download", photo, fakeFiles{"AgACAgQAAxkBAAIBLWX-large": nil}, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(NewWebhook(1, testSecret, failSink{}, tt.files))
			defer srv.Close()
			if status, reason := post(t, srv.URL, testSecret, tt.body); status != tt.status || reason == "" {
				t.Errorf("got %d %q, want %d with a reason", status, reason, tt.status)
			}
		})
	}
}

// SetWebhook passes the secret token, which the SDK's WebhookConfig cannot.
func TestSetWebhook(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := newBot(t, e.api, e.ch)
	if err := b.SetWebhook(context.Background(), "https://peyk.example.com/telegram/3", testSecret); err != nil {
		t.Fatal(err)
	}
	url, secret := e.api.Webhook()
	if url != "https://peyk.example.com/telegram/3" || secret != testSecret {
		t.Errorf("webhook %q with secret %q", url, secret)
	}
	if got := e.api.Calls("setWebhook")[0].Params.Get("allowed_updates"); got != `["message","edited_message"]` {
		t.Errorf("allowed_updates = %s", got)
	}
	if err := b.SetWebhook(context.Background(), "https://x", "has space"); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("bad secret: %v", err)
	}
	if s := NewSecret(); !validSecret(s) || s == NewSecret() {
		t.Errorf("NewSecret = %q", s)
	}
}
