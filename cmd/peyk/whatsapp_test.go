package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/twilio"
	"github.com/peykhq/peyk/channels/telegram/telegramtest"
	"github.com/peykhq/peyk/channels/whatsapp/whatsapptest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/workers"
)

// whatsappSettings are a WhatsApp channel's settings on the stand-in api.
func whatsappSettings(api *whatsapptest.Server) string {
	return fmt.Sprintf(`{"phone_number_id":%q,"base_url":%q,"access_token":%q,"app_secret":%q,"verify_token":"peyk-verify"}`,
		whatsapptest.PhoneNumberID, api.URL, api.Token, api.AppSecret)
}

// TestOneCustomerFourChannels: one customer writes on Telegram, Bale,
// WhatsApp and SMS, from the same phone. WhatsApp and SMS meet on the
// number at once; Telegram and Bale join when the customer shares it.
// They end as one contact with one timeline across the four kinds, all
// through the real webhooks (signatures and secrets) of every kind this
// build registers.
func TestOneCustomerFourChannels(t *testing.T) {
	e := newBaleEnv(t)
	ctx := context.Background()
	tgAPI := telegramtest.NewServer(t, "123456:tg-token")
	tg := create(t, e.admin, "telegram", fmt.Sprintf(`{"mode":"webhook","webhook_url":"https://peyk.example.com/webhooks/1",
		"api_endpoint":%q,"token":%q,"webhook_secret":"tg-secret"}`, tgAPI.URL, tgAPI.Token))
	baleAPI := telegramtest.NewServer(t, "987654:bale-token")
	bale := create(t, e.admin, "bale", fmt.Sprintf(`{"mode":"webhook","webhook_url":"https://peyk.example.com/webhooks/2",
		"api_endpoint":%q,"token":%q,"webhook_secret":"bale-secret"}`, baleAPI.URL, baleAPI.Token))
	waAPI := whatsapptest.NewServer(t, "EAAGtoken", "wa-app-secret")
	wa := create(t, e.admin, "whatsapp", whatsappSettings(waAPI))
	sms := create(t, e.admin, "sms", fmt.Sprintf(`{"driver":"twilio","account_sid":"AC1","auth_token":"tw-token","from":"+15550001111","public_url":%q}`, e.url))

	ok := func(what string, status int) {
		t.Helper()
		if status != http.StatusOK {
			t.Fatalf("%s: %d", what, status)
		}
	}
	telegram := func(id int, content string) {
		ok("telegram", e.post(t, fmt.Sprintf("/webhooks/%d", tg), "application/json", baleUpdate(id, content),
			"X-Telegram-Bot-Api-Secret-Token", "tg-secret"))
	}
	baleMsg := func(id int, content string) {
		ok("bale", e.post(t, fmt.Sprintf("/webhooks/%d?secret=bale-secret", bale), "application/json", baleUpdate(id, content)))
	}
	whatsapp := func(wamid, text string, at time.Time) {
		t.Helper()
		status, err := waAPI.Post(fmt.Sprintf("%s/webhooks/%d", e.url, wa), whatsapptest.TextMessage(whatsapptest.Customer, "سارا", wamid, text, at))
		if err != nil {
			t.Fatal(err)
		}
		ok("whatsapp", status)
	}

	// Meta's verification of the callback URL: GET on the same route as the notifications.
	resp, err := http.Get(fmt.Sprintf("%s/webhooks/%d?hub.mode=subscribe&hub.verify_token=peyk-verify&hub.challenge=1158201444", e.url, wa))
	if err != nil {
		t.Fatal(err)
	}
	challenge, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(challenge) != "1158201444" {
		t.Fatalf("verification: %d %q", resp.StatusCode, challenge)
	}

	telegram(1, `"text":"سلام از تلگرام"`)
	baleMsg(1, `"text":"سلام از بله"`)
	form := url.Values{"MessageSid": {"SM1"}, "AccountSid": {"AC1"}, "From": {"09121234567"}, "To": {"+15550001111"}, "Body": {"پیامک"}, "NumMedia": {"0"}}
	ok("sms", e.post(t, fmt.Sprintf("/webhooks/%d/in", sms), "application/x-www-form-urlencoded", form.Encode(),
		"X-Twilio-Signature", twilio.Signature("tw-token", fmt.Sprintf("%s/webhooks/%d/in", e.url, sms), form)))
	// The WhatsApp message is 30 hours old: its window is closed.
	whatsapp("wamid.ONE", "سلام از واتس\u200cاپ", time.Now().Add(-30*time.Hour))
	if n := count(t, e.a, `SELECT count(*) FROM contacts WHERE merged_into IS NULL`); n != 3 {
		t.Fatalf("%d contacts before the phone is shared, want 3 (Telegram; Bale; SMS with WhatsApp)", n)
	}
	share := `"contact":{"phone_number":"+989121234567","first_name":"سارا","user_id":7001}`
	telegram(2, share)
	baleMsg(2, share)

	if n := count(t, e.a, `SELECT count(*) FROM contacts WHERE merged_into IS NULL`); n != 1 {
		t.Fatalf("%d contacts after the phone is shared, want 1", n)
	}
	var contact int64
	if err := e.a.pool.QueryRow(ctx, `SELECT id FROM contacts WHERE merged_into IS NULL`).Scan(&contact); err != nil {
		t.Fatal(err)
	}
	var ids, kinds string
	if err := e.a.pool.QueryRow(ctx, `SELECT string_agg(kind || ':' || value, ',' ORDER BY kind) FROM contact_identities
		WHERE contact_id = $1`, contact).Scan(&ids); err != nil {
		t.Fatal(err)
	}
	if ids != "bale:7001,phone:+989121234567,telegram:7001,whatsapp:989121234567" {
		t.Fatalf("identities %s", ids)
	}
	if err := e.a.pool.QueryRow(ctx, `SELECT string_agg(DISTINCT ch.kind, ',' ORDER BY ch.kind) FROM messages m
		JOIN conversations c ON c.id = m.conversation_id JOIN channels ch ON ch.id = m.channel_id
		WHERE c.contact_id = $1 AND m.direction = 'in'`, contact).Scan(&kinds); err != nil {
		t.Fatal(err)
	}
	if kinds != "bale,sms,telegram,whatsapp" {
		t.Fatalf("the timeline spans %s, want bale, sms, telegram and whatsapp", kinds)
	}
	if n := count(t, e.a, `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.contact_id = $1 AND m.direction = 'in'`, contact); n != 6 {
		t.Fatalf("the timeline has %d customer entries, want 6", n)
	}

	// The 24-hour window, end to end through the queue: free text on the
	// WhatsApp conversation fails for good with the reason, a template goes,
	// and free text goes again once the customer writes.
	srvW, err := e.a.startWorkers()
	if err != nil {
		t.Fatal(err)
	}
	defer srvW.Shutdown()
	queue := asynq.NewClient(e.a.redis)
	defer queue.Close()
	var conv int64
	if err := e.a.pool.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE channel_id = $1 AND external_id = 'wamid.ONE'`, wa).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	reply := func(r inbox.Reply) int64 {
		t.Helper()
		r.ConversationID = conv
		id, err := e.a.ib.AddReply(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if err := workers.EnqueueDelivery(ctx, queue, id, r.QueueName()); err != nil {
			t.Fatal(err)
		}
		return id
	}
	settled := func(id int64) (status, reason string) {
		t.Helper()
		waitFor(t, fmt.Sprintf("message %d delivered or failed", id), func() bool {
			err := e.a.pool.QueryRow(ctx, `SELECT status, error FROM messages WHERE id = $1`, id).Scan(&status, &reason)
			return err == nil && status != "queued"
		})
		return status, reason
	}
	if status, reason := settled(reply(inbox.Reply{Text: "سفارش شما ارسال شد"})); status != "failed" ||
		!strings.Contains(reason, channels.ErrWindowClosed.Error()) {
		t.Fatalf("free text outside the window: %s %q, want failed with the window's reason", status, reason)
	}
	if n := len(waAPI.Sent()); n != 0 {
		t.Fatalf("%d messages reached WhatsApp outside the window", n)
	}
	tpl := &channels.Template{Name: "order_shipped", Language: "fa", Params: []string{"سارا", "۱۲۳"}}
	if status, reason := settled(reply(inbox.Reply{Template: tpl})); status != "sent" {
		t.Fatalf("template: %s %q", status, reason)
	}
	if s := waAPI.Sent(); len(s) != 1 || s[0].Type != "template" || s[0].Template != "order_shipped" || s[0].To != whatsapptest.Customer ||
		strings.Join(s[0].Params, "|") != "سارا|۱۲۳" {
		t.Fatalf("sent %+v", s)
	}
	whatsapp("wamid.TWO", "ممنون", time.Now())
	if status, reason := settled(reply(inbox.Reply{Text: "خواهش می\u200cکنم"})); status != "sent" {
		t.Fatalf("free text inside the window: %s %q", status, reason)
	}
	if s := waAPI.Sent(); len(s) != 2 || s[1].Type != "text" {
		t.Fatalf("sent %+v", s)
	}
}

// TestWhatsAppChannelCLI: `peyk channel add whatsapp` takes the kind's
// settings, keeps the secrets out of `channel list`, and refuses
// settings the kind does not declare.
func TestWhatsAppChannelCLI(t *testing.T) {
	db := "--database-url=" + freshDatabase(t)
	ctx := context.Background()
	t.Setenv("PEYK_SECRET_KEY", "test key")
	good := `{"phone_number_id":"106540352242922","access_token":"EAAGsecret","app_secret":"app-secret-1","verify_token":"peyk-verify"}`
	if _, errOut, err := runCmd(t, ctx, "channel", "add", "whatsapp", db, "--name", "wa", "--config", good); err != nil {
		t.Fatalf("channel add whatsapp: %v %s", err, errOut)
	}
	for name, bad := range map[string]string{
		"no secrets":  `{"phone_number_id":"106540352242922"}`,
		"unknown key": `{"phone_number_id":"1","access_token":"a","app_secret":"b","verify_token":"c","pin":"1"}`,
	} {
		if _, _, err := runCmd(t, ctx, "channel", "add", "whatsapp", db, "--name", "bad", "--config", bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	out, _, err := runCmd(t, ctx, "channel", "list", db)
	if err != nil || !strings.Contains(out, "whatsapp") || !strings.Contains(out, "wa") {
		t.Fatalf("channel list: %q %v", out, err)
	}
	for _, secret := range []string{"EAAGsecret", "app-secret-1", "peyk-verify"} {
		if strings.Contains(out, secret) {
			t.Errorf("channel list shows a secret: %q", out)
		}
	}
}
