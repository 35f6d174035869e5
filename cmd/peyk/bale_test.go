package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/twilio"
	"github.com/peykhq/peyk/channels/telegram/telegramtest"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/workers"
	"github.com/peykhq/peyk/workers/redistest"
)

// baleEnv is a server with every kind of this build, for Bale's tests.
type baleEnv struct {
	a     *app
	admin *channelAdmin
	url   string
}

func newBaleEnv(t *testing.T) *baleEnv {
	t.Helper()
	pool := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	kinds := knownKinds()
	ropt := redistest.New(t)
	a := &app{log: log, pool: pool, kinds: kinds, redis: asynq.RedisClientOpt{Addr: ropt.Addr, DB: ropt.DB, Password: ropt.Password},
		ib: inbox.New(pool, inbox.Config{SecretKey: "test key", Kinds: kinds}, nil)}
	admin := newChannelAdmin(a)
	srv := httptest.NewServer(web.New(web.Deps{Webhooks: admin, Kinds: kinds, Log: log}).Handler())
	t.Cleanup(srv.Close)
	return &baleEnv{a: a, admin: admin, url: srv.URL}
}

// post sends a webhook call and returns the status.
func (e *baleEnv) post(t *testing.T, path, contentType, body string, header ...string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", e.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// baleUpdate is a Bot API update from Bale user 7001 in their private chat.
func baleUpdate(id int, content string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":7001,"is_bot":false,"first_name":"سارا"},
		"chat":{"id":7001,"type":"private","first_name":"سارا"},"date":1763800000,%s}}`, id, id, content)
}

// TestBaleWebhook: a Bale bot in webhook mode. Bale sends no secret header
// and may refuse secret_token, so the webhook URL carries the secret and
// setWebhook is asked again without the parameter; calls without the
// secret store nothing. Text, photos and documents arrive from a Bale
// identity that is not the Telegram user of the same number, until the
// customer shares their phone: then Bale, Telegram and SMS are one
// contact.
func TestBaleWebhook(t *testing.T) {
	e := newBaleEnv(t)
	ctx := context.Background()
	api := telegramtest.NewServer(t, "987654:bale-token")
	api.FailNext("setWebhook", telegramtest.Failure{Code: 400, Description: "Bad Request: unknown parameter secret_token"})
	id := create(t, e.admin, "bale", fmt.Sprintf(`{"mode":"webhook","webhook_url":"https://peyk.example.com/webhooks/1",
		"api_endpoint":%q,"token":%q,"webhook_secret":"bale-secret"}`, api.URL, api.Token))
	calls := api.Calls("setWebhook")
	if len(calls) != 2 || calls[0].Params.Get("secret_token") != "bale-secret" || calls[1].Params.Has("secret_token") {
		t.Fatalf("setWebhook calls %+v; want one with secret_token, refused, then one without", calls)
	}
	if u, _ := api.Webhook(); u != "https://peyk.example.com/webhooks/1?secret=bale-secret" {
		t.Fatalf("webhook URL %q does not carry the secret", u)
	}

	hook := fmt.Sprintf("/webhooks/%d", id)
	for _, tc := range []struct {
		name, path string
		header     []string
		want       int
	}{
		{"no secret", hook, nil, http.StatusUnauthorized},
		{"wrong secret", hook + "?secret=guess", nil, http.StatusUnauthorized},
		{"wrong header beats the URL", hook + "?secret=bale-secret", []string{"X-Telegram-Bot-Api-Secret-Token", "guess"}, http.StatusUnauthorized},
		{"secret in the URL", hook + "?secret=bale-secret", nil, http.StatusOK},
		{"secret in the header", hook, []string{"X-Telegram-Bot-Api-Secret-Token", "bale-secret"}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := baleUpdate(1, `"text":"سلام از بله"`)
			if got := e.post(t, tc.path, "application/json", body, tc.header...); got != tc.want {
				t.Errorf("POST %s: %d, want %d", tc.path, got, tc.want)
			}
		})
	}
	if n := count(t, e.a, `SELECT count(*) FROM contact_identities WHERE kind = 'bale' AND value = '7001'`); n != 1 {
		t.Fatalf("bale identities = %d, want 1", n)
	}

	api.AddFile("ph-1", "photos/ph-1.jpg", []byte("\xff\xd8\xff jpeg"))
	api.AddFile("doc-1", "documents/factor.pdf", []byte("%PDF-1.4"))
	for i, content := range []string{
		`"photo":[{"file_id":"ph-1","file_unique_id":"u1","width":90,"height":90,"file_size":9}],"caption":"عکس"`,
		`"document":{"file_id":"doc-1","file_unique_id":"u2","file_name":"factor.pdf","mime_type":"application/pdf"}`,
	} {
		if got := e.post(t, hook+"?secret=bale-secret", "application/json", baleUpdate(2+i, content)); got != 200 {
			t.Fatalf("file update %d: %d", i, got)
		}
	}
	if n := count(t, e.a, `SELECT count(*) FROM message_attachments a JOIN messages m ON m.id = a.message_id
		WHERE m.channel_id = $1 AND a.sha256 IS NOT NULL`, id); n != 2 {
		t.Errorf("%d attachments downloaded from Bale's file server, want 2", n)
	}

	// Telegram user 7001 is someone else until the phone says otherwise.
	tgAPI := telegramtest.NewServer(t, "123456:tg-token")
	tg := create(t, e.admin, "telegram", fmt.Sprintf(`{"mode":"webhook","webhook_url":"https://peyk.example.com/webhooks/2",
		"api_endpoint":%q,"token":%q,"webhook_secret":"tg-secret"}`, tgAPI.URL, tgAPI.Token))
	if got := e.post(t, fmt.Sprintf("/webhooks/%d", tg), "application/json", baleUpdate(1, `"text":"from Telegram"`),
		"X-Telegram-Bot-Api-Secret-Token", "tg-secret"); got != 200 {
		t.Fatalf("telegram: %d", got)
	}
	sms := create(t, e.admin, "sms", fmt.Sprintf(`{"driver":"twilio","account_sid":"AC1","auth_token":"tw-token","from":"+15550001111","public_url":%q}`, e.url))
	form := url.Values{"MessageSid": {"SM1"}, "AccountSid": {"AC1"}, "From": {"09121234567"}, "To": {"+15550001111"}, "Body": {"پیامک"}, "NumMedia": {"0"}}
	if got := e.post(t, fmt.Sprintf("/webhooks/%d/in", sms), "application/x-www-form-urlencoded", form.Encode(),
		"X-Twilio-Signature", twilio.Signature("tw-token", fmt.Sprintf("%s/webhooks/%d/in", e.url, sms), form)); got != 200 {
		t.Fatalf("sms: %d", got)
	}
	if n := count(t, e.a, `SELECT count(*) FROM contacts WHERE merged_into IS NULL`); n != 3 {
		t.Fatalf("%d contacts before the phone is shared, want 3 (Bale, Telegram, SMS)", n)
	}
	share := `"contact":{"phone_number":"+989121234567","first_name":"سارا","user_id":7001}`
	if got := e.post(t, hook+"?secret=bale-secret", "application/json", baleUpdate(9, share)); got != 200 {
		t.Fatalf("bale contact share: %d", got)
	}
	if got := e.post(t, fmt.Sprintf("/webhooks/%d", tg), "application/json", baleUpdate(9, share),
		"X-Telegram-Bot-Api-Secret-Token", "tg-secret"); got != 200 {
		t.Fatalf("telegram contact share: %d", got)
	}
	if n := count(t, e.a, `SELECT count(*) FROM contacts WHERE merged_into IS NULL`); n != 1 {
		t.Fatalf("%d contacts after the phone is shared on Bale and Telegram, want 1", n)
	}
	var kinds string
	if err := e.a.pool.QueryRow(ctx, `SELECT string_agg(kind || ':' || value, ',' ORDER BY kind) FROM contact_identities`).Scan(&kinds); err != nil {
		t.Fatal(err)
	}
	if kinds != "bale:7001,phone:+989121234567,telegram:7001" {
		t.Errorf("identities %s", kinds)
	}

	// A reply on the Bale conversation goes to the Bale id, through the
	// queue, with its photo.
	srvW, err := e.a.startWorkers()
	if err != nil {
		t.Fatal(err)
	}
	defer srvW.Shutdown()
	var conv int64
	if err := e.a.pool.QueryRow(ctx, `SELECT id FROM conversations WHERE channel_id = $1`, id).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	reply := inbox.Reply{ConversationID: conv, Text: "رسید سفارش", Attachments: []channels.Attachment{
		{Name: "receipt.png", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n")}}}
	msg, err := e.a.ib.AddReply(ctx, reply)
	if err != nil {
		t.Fatal(err)
	}
	queue := asynq.NewClient(e.a.redis)
	defer queue.Close()
	if err := workers.EnqueueDelivery(ctx, queue, msg, reply.QueueName()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reply sent to Bale", func() bool { return len(api.Calls("sendPhoto")) > 0 })
	for _, c := range append(api.Calls("sendPhoto"), api.Calls("sendMessage")...) {
		if c.Params.Get("chat_id") != "7001" {
			t.Errorf("%s to chat %q, want 7001", c.Method, c.Params.Get("chat_id"))
		}
	}
	if len(tgAPI.Calls("sendPhoto"))+len(tgAPI.Calls("sendMessage")) != 0 {
		t.Error("the Bale reply went out on Telegram")
	}
}

// TestBalePolling: a Bale bot in polling mode receives through getUpdates
// from Bale's server, run by the receivers of `peyk serve`.
func TestBalePolling(t *testing.T) {
	e := newBaleEnv(t)
	api := telegramtest.NewServer(t, "987654:bale-token")
	api.AnswerAtOnce(true)
	id := create(t, e.admin, "bale", fmt.Sprintf(`{"api_endpoint":%q,"token":%q,"poll_interval":"50ms"}`, api.URL, api.Token))
	if n := len(api.Calls("setWebhook")); n != 0 {
		t.Errorf("polling bot called setWebhook %d times", n)
	}
	api.AddUpdate([]byte(baleUpdate(10, `"text":"پیام با پرسش"`)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); runReceivers(ctx, e.a, nil) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "the polled message stored", func() bool {
		return count(t, e.a, `SELECT count(*) FROM messages WHERE channel_id = $1 AND identity = 'bale:7001'`, id) == 1
	})
	waitFor(t, "the receiver's status", func() bool { return e.a.statusBoard().Status(id).Receiver == channels.StateRunning })
	for fa, want := range map[bool]string{true: "بله", false: "Bale"} {
		if l, ok := e.admin.kinds.Label("bale", fa); !ok || l != want {
			t.Errorf("label (fa %v) = %q, want %q", fa, l, want)
		}
	}
}
