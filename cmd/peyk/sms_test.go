package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

// kannelPassword and the other secrets below must never show in a listed
// channel.
const (
	kannelPassword = "k4nnel-p@ss"
	smsWebhookKey  = "sms-webhook-5ecret"
	smsBearer      = "bearer-t0ken-99"
)

func genericSMSConfig(dlrBase string) string {
	cfg := map[string]any{
		"driver":   "generic",
		"send_url": "http://127.0.0.1:1/cgi-bin/sendsms?username=peyk&password=" + url.QueryEscape(kannelPassword),
		"method":   "GET",
		"form": map[string]string{"to": "{{.To}}", "text": "{{.Text}}",
			"dlr-url": dlrBase + "/status?secret=" + smsWebhookKey + "&id=peyk-{{.MessageID}}&status=%d"},
		"headers":     map[string]string{"Authorization": "Bearer " + smsBearer},
		"external_id": "peyk-{{.MessageID}}",
		"secret":      smsWebhookKey,
		"status":      map[string]any{"values": map[string]string{"1": "delivered", "2": "failed", "8": "sent", "16": "failed"}},
	}
	b, _ := json.Marshal(cfg)
	return string(b)
}

// TestSMSChannelSecretsAndGETWebhooks: the secrets of an SMS channel — a
// password in the send URL's query, a header, the webhook secret inside
// the dlr-url — never show in a listed or created channel, also for a
// channel stored before they were masked; and an SMS gateway's webhooks
// take GET with a query string through Peyk's router (Kannel's get-url and
// dlr-url), where they used to get 405.
func TestSMSChannelSecretsAndGETWebhooks(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := &app{pool: pool, log: log, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin := newChannelAdmin(a)
	srv := httptest.NewServer(web.New(web.Deps{Log: log, Webhooks: admin}).Handler())
	t.Cleanup(srv.Close)

	raw := json.RawMessage(genericSMSConfig(srv.URL + "/webhooks/1"))
	ch, err := admin.Create(ctx, "sms", "kannel", raw)
	if err != nil {
		t.Fatal(err)
	}
	// A channel stored the old way: the password stayed in its public config.
	old, err := a.ib.AddChannel(ctx, channels.SMS, "old kannel", raw, raw)
	if err != nil {
		t.Fatal(err)
	}
	list, err := admin.List(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("List = %d channels, %v", len(list), err)
	}
	shown, _ := json.Marshal(append(list, ch))
	for _, leak := range []string{kannelPassword, url.QueryEscape(kannelPassword), smsWebhookKey, smsBearer} {
		if strings.Contains(string(shown), leak) {
			t.Errorf("a listed channel shows %q:\n%s", leak, shown)
		}
	}
	if !strings.Contains(string(shown), `username=peyk\u0026password=REDACTED`) || !strings.Contains(string(shown), `"external_id":"peyk-{{.MessageID}}"`) {
		t.Errorf("the public settings lost what is not secret:\n%s", shown)
	}

	get := func(target string) (int, string) {
		resp, err := http.Get(srv.URL + target)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	in := "/webhooks/1/in?secret=" + smsWebhookKey + "&from=09121234567&to=3000&text=%D8%B3%D9%84%D8%A7%D9%85&id=k-1"
	if status, body := get(in); status != 200 {
		t.Fatalf("GET inbound = %d %s", status, body)
	}
	if status, body := get("/webhooks/1/in?secret=nope&from=0912&text=x&id=k-2"); status != 403 {
		t.Fatalf("GET inbound with a wrong secret = %d %s", status, body)
	}
	// A delivery report for the inbound message's id, the way Kannel calls.
	if status, body := get("/webhooks/1/status?secret=" + smsWebhookKey + "&id=k-1&status=1"); status != 200 {
		t.Fatalf("GET status = %d %s", status, body)
	}
	var text, status string
	if err := pool.QueryRow(ctx, `SELECT body, status FROM messages WHERE channel_id = 1 AND external_id = 'k-1'`).Scan(&text, &status); err != nil ||
		text != "سلام" || status != "delivered" {
		t.Fatalf("stored %q %q, %v", text, status, err)
	}
	if list[1].ID != old {
		t.Fatalf("second channel = %d, want %d", list[1].ID, old)
	}
}
