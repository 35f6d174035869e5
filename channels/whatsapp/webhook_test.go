package whatsapp

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/whatsapp/whatsapptest"
)

// TestVerify answers Meta's verification GET.
func TestVerify(t *testing.T) {
	h := NewWebhook(1, "", testSecrets, nil, nil)
	cases := []struct {
		name, mode, token, challenge string
		want                         int
	}{
		{"matching token", "subscribe", testVerifyToken, "1158201444", http.StatusOK},
		{"wrong token", "subscribe", "guess", "1158201444", http.StatusForbidden},
		{"no token", "subscribe", "", "1158201444", http.StatusForbidden},
		{"wrong mode", "unsubscribe", testVerifyToken, "1158201444", http.StatusForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := url.Values{"hub.mode": {c.mode}, "hub.verify_token": {c.token}, "hub.challenge": {c.challenge}}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webhooks/1?"+q.Encode(), nil))
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d", rec.Code, c.want)
			}
			if c.want == http.StatusOK && rec.Body.String() != c.challenge {
				t.Fatalf("body %q, want the challenge", rec.Body)
			}
			if c.want != http.StatusOK && strings.Contains(rec.Body.String(), c.challenge) {
				t.Fatalf("challenge echoed on refusal: %q", rec.Body)
			}
		})
	}
	t.Run("no verify token configured", func(t *testing.T) {
		h := NewWebhook(1, "", Secrets{AppSecret: testAppSecret}, nil, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?hub.mode=subscribe&hub.verify_token=&hub.challenge=1", nil))
		if rec.Code != http.StatusForbidden {
			t.Fatalf("status %d", rec.Code)
		}
	})
}

// TestSignature refuses notifications whose X-Hub-Signature-256 is not
// the app secret's HMAC of the body, before storing anything.
func TestSignature(t *testing.T) {
	e := newEnv(t)
	h := NewWebhook(e.ch, whatsapptest.PhoneNumberID, testSecrets, e.ib, nil)
	body := whatsapptest.Payload("text")
	good := e.api.Sign(body)
	cases := []struct {
		name, sig string
		want      int
	}{
		{"bad", Signature("another secret", body), http.StatusUnauthorized},
		{"missing", "", http.StatusUnauthorized},
		{"wrong prefix", "sha1=" + strings.TrimPrefix(good, "sha256="), http.StatusUnauthorized},
		{"no prefix", strings.TrimPrefix(good, "sha256="), http.StatusUnauthorized},
		{"upper-case hex of another body", strings.ToUpper(Signature(testAppSecret, []byte("{}"))), http.StatusUnauthorized},
		{"not hex", "sha256=zz", http.StatusUnauthorized},
		{"good", good, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/webhooks/1", bytes.NewReader(body))
			if c.sig != "" {
				req.Header.Set(SignatureHeader, c.sig)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.want, rec.Body)
			}
			n := e.count(t, `SELECT count(*) FROM messages WHERE channel_id = $1`, e.ch)
			if want := map[bool]int{true: 1, false: 0}[c.want == http.StatusOK]; n != want {
				t.Fatalf("%d messages stored, want %d", n, want)
			}
		})
	}
	if Signature(testAppSecret, body) != good {
		t.Fatal("Signature differs from the stand-in's (Meta's) signature")
	}
	if ValidSignature("", body, Signature("", body)) {
		t.Fatal("an empty app secret validated a signature")
	}
}

// TestWebhookIngest posts every documented payload, signed, to the
// webhook in front of the real inbox with media served by the stand-in,
// and checks what is stored.
func TestWebhookIngest(t *testing.T) {
	e := newEnv(t)
	for _, id := range []string{"1003383421387256", "1003383421387257", "1003383421387258", "1003383421387259"} {
		e.api.AddMedia(id, "application/octet-stream", []byte("media "+id))
	}
	// The sticker's media id is unknown to the stand-in: it is kept
	// without content, with the reason.
	c := newClient(t, e.api, e.ch, nil)
	srv := httptest.NewServer(c.Webhook(e.ib))
	defer srv.Close()
	e.ingestOut(t, "wamid.HBgMOTg5MTIxMjM0NTY3FQIAERgSOUTBOUND01")

	for _, name := range whatsapptest.Names() {
		status, err := e.api.Post(srv.URL, whatsapptest.Payload(name))
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s: %d %v", name, status, err)
		}
	}
	// 16 message payloads, one of them for another number; the outbound one.
	if n := e.count(t, `SELECT count(*) FROM messages WHERE channel_id = $1 AND direction = 'in'`, e.ch); n != 16 {
		t.Fatalf("%d inbound messages, want 16", n)
	}
	if n := e.count(t, `SELECT count(*) FROM contacts WHERE merged_into IS NULL`); n != 1 {
		t.Fatalf("%d contacts, want 1 (wa_id and phone of one customer)", n)
	}
	if n := e.count(t, `SELECT count(*) FROM contact_identities WHERE (kind, value) IN (('whatsapp', '989121234567'), ('phone', '+989121234567'))`); n != 2 {
		t.Fatalf("%d identities, want whatsapp and phone", n)
	}
	if n := e.count(t, `SELECT count(*) FROM message_attachments a JOIN attachments f USING (sha256)
		WHERE convert_from(f.data, 'UTF8') LIKE 'media %'`); n != 4 {
		t.Fatalf("%d attachments with content, want 4", n)
	}
	if n := e.count(t, `SELECT count(*) FROM messages WHERE headers->>'WhatsApp-Media-Error' LIKE 'sticker.webp: %'`); n != 1 {
		t.Fatalf("%d messages note the sticker's download failure, want 1", n)
	}
	// The statuses came in order sent, delivered, read, failed: failed
	// ranks with delivered, so the message stays delivered.
	if n := e.count(t, `SELECT count(*) FROM messages WHERE external_id = 'wamid.HBgMOTg5MTIxMjM0NTY3FQIAERgSOUTBOUND01'
		AND status = 'delivered'`); n != 1 {
		t.Fatal("the outbound message is not delivered")
	}
	// Repeating a notification adds nothing.
	if status, _ := e.api.Post(srv.URL, whatsapptest.Payload("image")); status != http.StatusOK {
		t.Fatalf("repeat: %d", status)
	}
	if n := e.count(t, `SELECT count(*) FROM messages WHERE channel_id = $1 AND direction = 'in'`, e.ch); n != 16 {
		t.Fatalf("%d inbound messages after a repeat, want 16", n)
	}
}

// TestWebhookFailedWindow stores a failed status for the 24-hour window
// with the reason an agent can act on.
func TestWebhookFailedWindow(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(NewWebhook(e.ch, whatsapptest.PhoneNumberID, testSecrets, e.ib, nil))
	defer srv.Close()
	e.ingestOut(t, "wamid.late")
	status, err := e.api.Post(srv.URL, whatsapptest.Status("wamid.late", "failed", whatsapptest.Customer, CodeWindowClosed, time.Now()))
	if err != nil || status != http.StatusOK {
		t.Fatalf("%d %v", status, err)
	}
	var st, why string
	if err := e.pool.QueryRow(context.Background(), `SELECT status, error FROM messages WHERE external_id = 'wamid.late'`).
		Scan(&st, &why); err != nil {
		t.Fatal(err)
	}
	if st != "failed" || !strings.Contains(why, "131047") || !strings.Contains(why, "only an approved template may be sent") {
		t.Fatalf("status %s, error %q", st, why)
	}
}

// TestWebhookAnswers covers the other answers of the handler.
func TestWebhookAnswers(t *testing.T) {
	e := newEnv(t)
	h := NewWebhook(e.ch, whatsapptest.PhoneNumberID, testSecrets, e.ib, nil)
	post := func(body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set(SignatureHeader, e.api.Sign(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := post([]byte(`{"object":"page"}`)); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Fatalf("another object: %d %s", rec.Code, rec.Body)
	}
	if rec := post(bytes.Repeat([]byte(" "), MaxWebhookBody+1)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("large body: %d", rec.Code)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("PUT: %d", rec.Code)
	}
	// A media download that may work later is answered 503, storing nothing.
	broken := newClient(t, e.api, e.ch, func(c *Config) { c.BaseURL = "http://127.0.0.1:1" })
	h.Media = broken
	if rec := post(whatsapptest.Payload("image")); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("unreachable media: %d %s", rec.Code, rec.Body)
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
}

// TestSamePhoneOneContact ingests an SMS from a number, then a WhatsApp
// message from the same number: both land on one contact.
func TestSamePhoneOneContact(t *testing.T) {
	e := newEnv(t)
	sms, err := e.ib.CreateChannel(context.Background(), channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = e.ib.Ingest(context.Background(), []channels.Inbound{{ChannelID: sms, ExternalID: "sms-1", Kind: channels.KindText,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}, Text: "سلام از پیامک"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewWebhook(e.ch, whatsapptest.PhoneNumberID, testSecrets, e.ib, nil))
	defer srv.Close()
	body := whatsapptest.TextMessage(whatsapptest.Customer, "Sara", "wamid.same", "سلام از واتس\u200cاپ", time.Now())
	if status, err := e.api.Post(srv.URL, body); err != nil || status != http.StatusOK {
		t.Fatalf("%d %v", status, err)
	}
	if n := e.count(t, `SELECT count(DISTINCT c.contact_id) FROM messages m JOIN conversations c ON c.id = m.conversation_id`); n != 1 {
		t.Fatalf("messages on %d contacts, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM contact_identities WHERE kind = 'whatsapp' AND value = $1`, whatsapptest.Customer); n != 1 {
		t.Fatalf("%d whatsapp identities", n)
	}
}

// TestWebhookOddSenders stores messages from wa_ids that are no valid
// phone number (and a name of control characters) rather than answering
// 5xx, which Meta would retry for days.
func TestWebhookOddSenders(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(NewWebhook(e.ch, "", testSecrets, e.ib, nil))
	defer srv.Close()
	odd := []string{"12345", "00000000", "99999999999999999999", "0989121234567"}
	for _, from := range odd {
		body := whatsapptest.TextMessage(from, "\u0000\u200f", "wamid."+from, "x\u0000", time.Now())
		if status, err := e.api.Post(srv.URL, body); err != nil || status != http.StatusOK {
			t.Fatalf("%s: %d %v", from, status, err)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != len(odd) {
		t.Fatalf("%d messages, want %d", n, len(odd))
	}
}
