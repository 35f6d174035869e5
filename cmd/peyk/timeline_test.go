package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels/sms/twilio"
	"github.com/peykhq/peyk/channels/telegram/telegramtest"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

// TestOneCustomerThreeChannels: a customer writes on Telegram, sends an SMS
// and calls; once they share their phone number on Telegram they are one
// contact with one timeline across the three channels. Everything goes
// through the real webhooks, signatures and secrets included.
func TestOneCustomerThreeChannels(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := &app{log: log, pool: pool, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin := newChannelAdmin(a)
	srv := httptest.NewServer(web.New(web.Deps{Webhooks: admin, Log: log}).Handler())
	defer srv.Close()

	bot := telegramtest.NewServer(t, "123456:secret-token")
	tg := create(t, admin, "telegram", fmt.Sprintf(`{"mode":"webhook","webhook_url":"https://peyk.example.com/webhooks/1","api_endpoint":%q,"token":%q,"webhook_secret":"tg-secret"}`,
		bot.URL, bot.Token))
	if url, secret := bot.Webhook(); url != "https://peyk.example.com/webhooks/1" || secret != "tg-secret" {
		t.Fatalf("setWebhook got %q with secret %q", url, secret)
	}
	sms := create(t, admin, "sms", fmt.Sprintf(`{"driver":"twilio","account_sid":"AC1","auth_token":"tw-token","from":"+15550001111","public_url":%q}`,
		srv.URL))
	pbx := create(t, admin, "phone", `{"ours":["1XX"],"secret":"pbx-secret-0123456789"}`)

	post := func(path, contentType string, body []byte, header ...string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		for i := 0; i < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, msg)
		}
	}
	telegramUpdate := func(id int, message string) {
		body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":7001,"is_bot":false,"first_name":"سارا"},
			"chat":{"id":7001,"type":"private","first_name":"سارا"},"date":1763800000,%s}}`, id, id, message)
		post(fmt.Sprintf("/webhooks/%d", tg), "application/json", []byte(body), "X-Telegram-Bot-Api-Secret-Token", "tg-secret")
	}

	// 1. Telegram, before anyone knows the phone number.
	telegramUpdate(1, `"text":"سلام، سفارشم کجاست؟"`)
	// 2. An SMS from the same person, written the Iranian way.
	form := url.Values{"MessageSid": {"SM1"}, "AccountSid": {"AC1"}, "From": {"09121234567"}, "To": {"+15550001111"},
		"Body": {"شماره سفارش ۱۲۳"}, "NumMedia": {"0"}}
	hook := fmt.Sprintf("%s/webhooks/%d/in", srv.URL, sms)
	post(fmt.Sprintf("/webhooks/%d/in", sms), "application/x-www-form-urlencoded", []byte(form.Encode()),
		"X-Twilio-Signature", twilio.Signature("tw-token", hook, form))
	// 3. A missed call from the PBX, the number in international form.
	call, _ := json.Marshal(map[string]any{"id": "call-1", "direction": "in", "from": "+98 912 123 4567", "to": "101",
		"disposition": "NO ANSWER", "duration": 12})
	post(fmt.Sprintf("/webhooks/%d", pbx), "application/json", call, "X-Peyk-Secret", "pbx-secret-0123456789")

	if n := count(t, a, `SELECT count(DISTINCT contact_id) FROM conversations`); n != 2 {
		t.Fatalf("before the phone is shared: %d contacts, want 2 (Telegram; SMS and call)", n)
	}
	// 4. The customer shares their own phone number on Telegram.
	telegramUpdate(2, `"contact":{"phone_number":"989121234567","first_name":"سارا","user_id":7001}`)

	if n := count(t, a, `SELECT count(*) FROM contacts WHERE merged_into IS NULL`); n != 1 {
		t.Fatalf("%d live contacts, want 1", n)
	}
	var contact int64
	if err := pool.QueryRow(ctx, `SELECT id FROM contacts WHERE merged_into IS NULL`).Scan(&contact); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	err := pool.QueryRow(ctx, `SELECT array_agg(DISTINCT ch.kind ORDER BY ch.kind) FROM messages m
		JOIN conversations c ON c.id = m.conversation_id JOIN channels ch ON ch.id = m.channel_id
		WHERE c.contact_id = $1`, contact).Scan(&kinds)
	if err != nil || strings.Join(kinds, ",") != "phone,sms,telegram" {
		t.Fatalf("the contact's timeline spans %v (%v), want phone, sms and telegram", kinds, err)
	}
	if n := count(t, a, `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.contact_id = $1 AND m.direction = 'in'`, contact); n != 4 {
		t.Fatalf("timeline has %d customer entries, want 4", n)
	}
	if n := count(t, a, `SELECT count(*) FROM schedules WHERE kind = 'reminder' AND payload->>'text' LIKE 'Call back%'`); n != 1 {
		t.Fatalf("call-back tasks = %d, want 1 for the missed call", n)
	}

	// Forged webhooks store nothing.
	before := count(t, a, `SELECT count(*) FROM messages`)
	for _, bad := range []struct{ path, ctype, body, h, v string }{
		{fmt.Sprintf("/webhooks/%d", tg), "application/json", `{"update_id":9,"message":{}}`, "X-Telegram-Bot-Api-Secret-Token", "wrong"},
		{fmt.Sprintf("/webhooks/%d/in", sms), "application/x-www-form-urlencoded", form.Encode(), "X-Twilio-Signature", "forged"},
		{fmt.Sprintf("/webhooks/%d", pbx), "application/json", string(call), "X-Peyk-Secret", "wrong"},
	} {
		req, _ := http.NewRequest("POST", srv.URL+bad.path, strings.NewReader(bad.body))
		req.Header.Set("Content-Type", bad.ctype)
		req.Header.Set(bad.h, bad.v)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("forged %s: %d, want a 4xx", bad.path, resp.StatusCode)
		}
	}
	if after := count(t, a, `SELECT count(*) FROM messages`); after != before {
		t.Fatalf("forged webhooks stored %d messages", after-before)
	}
}

func create(t *testing.T, admin *channelAdmin, kind, config string) int64 {
	t.Helper()
	ch, err := admin.Create(context.Background(), kind, kind, json.RawMessage(config))
	if err != nil {
		t.Fatal(err)
	}
	return ch.ID
}

func count(t *testing.T, a *app, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
