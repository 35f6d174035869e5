package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/whatsapp/whatsapptest"
)

// TestDriverSettings checks the kind's declared settings: types, secrets,
// required fields, and the adapter's own checks behind Check.
func TestDriverSettings(t *testing.T) {
	d := Driver()
	if d.Kind != Kind || d.Label.Fa != "واتس\u200cاپ" || d.Label.En != "WhatsApp" || d.Reaches != Identity ||
		d.Window == nil || !d.Templates || d.Sender == nil || d.Webhook == nil || d.Tester == nil || d.Receiver != nil {
		t.Fatalf("driver %+v", d)
	}
	for _, f := range d.Settings {
		if f.Help.Fa == "" || f.Help.En == "" {
			t.Errorf("%s has no fa and en help", f.Name)
		}
		secret := f.Name == "access_token" || f.Name == "app_secret" || f.Name == "verify_token"
		if f.Secret != secret {
			t.Errorf("%s: secret %v", f.Name, f.Secret)
		}
	}
	good := `{"phone_number_id": "106540352242922", "access_token": "EAAG", "app_secret": "s3cret", "verify_token": "v"}`
	cases := []struct {
		name, settings, want string
	}{
		{"good", good, ""},
		{"missing secrets", `{"phone_number_id": "106540352242922"}`, "access_token"},
		{"unknown key", `{"phone_number_id": "1", "access_token": "a", "app_secret": "b", "verify_token": "c", "pin": "1"}`, `"pin"`},
		{"not numeric", `{"phone_number_id": "+98912", "access_token": "a", "app_secret": "b", "verify_token": "c"}`, "phone number id"},
		{"bad version", `{"phone_number_id": "1", "access_token": "a", "app_secret": "b", "verify_token": "c", "api_version": "24"}`, "api version"},
		{"token with a space", `{"phone_number_id": "1", "access_token": "a b", "app_secret": "b", "verify_token": "c"}`, "white space"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := d.Check(json.RawMessage(c.settings))
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, channels.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want one naming %s", err, c.want)
			}
		})
	}
	public, secrets, err := d.Split(json.RawMessage(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(secrets) != 3 || len(public) != 1 || public["phone_number_id"] == nil {
		t.Fatalf("public %v, secrets %v", public, secrets)
	}
}

// TestNormalizeWaID checks the identity normalizer the driver declares.
func TestNormalizeWaID(t *testing.T) {
	for in, want := range map[string]string{
		"989121234567":        "989121234567",
		"+98 912 123 4567":    "989121234567",
		"0098-912-123-4567":   "989121234567",
		"+۹۸۹۱۲۱۲۳۴۵۶۷":       "989121234567",
		"(1) 555 0100 123":    "15550100123",
		"\u200e+989121234567": "989121234567",
	} {
		if got, err := NormalizeWaID(in); err != nil || got != want {
			t.Errorf("NormalizeWaID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "09121234567", "abc", "12345", "+1234567890123456", "98912x"} {
		if got, err := NormalizeWaID(in); !errors.Is(err, channels.ErrInvalid) {
			t.Errorf("NormalizeWaID(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

// TestDriverParts builds the kind's parts from settings as cmd/peyk does:
// the webhook answers Meta's GET verification and takes a signed POST on
// the same handler, the sender sends, the tester reads the number.
func TestDriverParts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	raw, err := json.Marshal(map[string]any{"phone_number_id": whatsapptest.PhoneNumberID, "base_url": e.api.URL,
		"access_token": testToken, "app_secret": testAppSecret, "verify_token": testVerifyToken})
	if err != nil {
		t.Fatal(err)
	}
	d := Driver()
	settings, err := d.Check(raw)
	if err != nil {
		t.Fatal(err)
	}
	in := channels.Instance{ChannelID: e.ch, Settings: settings, Store: e.ib}
	hooks, err := d.Webhook(ctx, in)
	if err != nil || hooks[""] == nil || len(hooks) != 1 {
		t.Fatalf("hooks %v, %v", hooks, err)
	}
	srv := httptest.NewServer(hooks[""])
	defer srv.Close()

	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {testVerifyToken}, "hub.challenge": {"1158201444"}}
	resp, err := http.Get(srv.URL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("verification: %d", resp.StatusCode)
	}
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	status, err := e.api.Post(srv.URL, whatsapptest.TextMessage(whatsapptest.Customer, "Sara", "wamid.DRIVER1", "سلام", at))
	if err != nil || status != http.StatusOK {
		t.Fatalf("post: %d %v", status, err)
	}
	if n := e.count(t, `SELECT count(*) FROM messages WHERE channel_id = $1 AND external_id = 'wamid.DRIVER1'`, e.ch); n != 1 {
		t.Fatalf("%d messages stored", n)
	}

	s, err := d.Sender(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Send(ctx, channels.Outbound{To: channels.Identity{Kind: Identity, Value: whatsapptest.Customer},
		Text: "در خدمتیم", LastInbound: at})
	if err != nil || res.ExternalID == "" {
		t.Fatalf("send: %+v, %v", res, err)
	}
	tester, err := d.Tester(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := tester.Test(ctx); err != nil {
		t.Fatal(err)
	}
	if open, closes := d.Window(at, time.Now()); !open || !closes.Equal(at.Add(WindowLength)) {
		t.Fatalf("window %v %v", open, closes)
	}
}
