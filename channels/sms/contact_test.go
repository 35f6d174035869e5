package sms_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/kavenegar"
	"github.com/peykhq/peyk/channels/sms/twilio"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

// An SMS from 0912… through Kavenegar and one from +98912… through Twilio
// reach one contact in the real inbox; on one channel they share one
// conversation.
func TestOneContactAcrossGateways(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ib := inbox.New(pool, inbox.Config{}, nil)
	kch, err := ib.CreateChannel(ctx, channels.SMS, "kavenegar", nil)
	if err != nil {
		t.Fatal(err)
	}
	tch, err := ib.CreateChannel(ctx, channels.SMS, "twilio", nil)
	if err != nil {
		t.Fatal(err)
	}
	kv, err := kavenegar.New(kavenegar.Config{ChannelID: kch, APIKey: "k", CallbackSecret: "s3"})
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twilio.New(twilio.Config{ChannelID: tch, AccountSID: "AC1", AuthToken: "tok", From: "+14155552671"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/kavenegar/{secret}", kv.InboundHandler(ib))
	mux.Handle("POST /webhooks/twilio", tw.InboundHandler(ib))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	post := func(path string, form url.Values, sig string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sig != "" {
			req.Header.Set("X-Twilio-Signature", sig)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s = %d %s", path, resp.StatusCode, body)
		}
	}
	post("/webhooks/kavenegar/s3", url.Values{"from": {"09121234567"}, "to": {"10004346"},
		"message": {"سلام، سفارشم کجاست؟"}, "messageid": {"900"}}, "")
	for i, from := range []string{"+989121234567", "09121234567"} {
		form := url.Values{"MessageSid": {"SM" + from}, "From": {from}, "To": {"+14155552671"},
			"Body": {"پیگیری " + string(rune('1'+i))}, "NumMedia": {"0"}}
		post("/webhooks/twilio", form, twilio.Signature("tok", srv.URL+"/webhooks/twilio", form))
	}

	var contacts, convs, msgs, twilioConvs int
	err = pool.QueryRow(ctx, `SELECT count(DISTINCT c.contact_id), count(DISTINCT c.id), count(*),
		count(DISTINCT c.id) FILTER (WHERE c.channel_id = $1)
		FROM messages m JOIN conversations c ON c.id = m.conversation_id`, tch).Scan(&contacts, &convs, &msgs, &twilioConvs)
	if err != nil {
		t.Fatal(err)
	}
	if contacts != 1 || msgs != 3 || convs != 2 || twilioConvs != 1 {
		t.Fatalf("contacts %d, conversations %d (Twilio %d), messages %d; want 1 contact, 2 conversations (one per channel), 3 messages",
			contacts, convs, twilioConvs, msgs)
	}
	var identity string
	if err := pool.QueryRow(ctx, `SELECT value FROM contact_identities WHERE kind = 'phone'`).Scan(&identity); err != nil || identity != "+989121234567" {
		t.Fatalf("identity = %q, %v", identity, err)
	}
}
