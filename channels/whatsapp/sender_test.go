package whatsapp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/whatsapp/whatsapptest"
)

var customer = channels.Identity{Kind: Identity, Value: whatsapptest.Customer}

// TestSend sends text, a reply, a template and a long text to the stand-in.
func TestSend(t *testing.T) {
	ctx := context.Background()
	t.Run("text", func(t *testing.T) {
		api := newAPI(t)
		c := newClient(t, api, 1, nil)
		res, err := c.Send(ctx, channels.Outbound{MessageID: 10, To: customer, LastInbound: recent(), Text: "سفارش شما فردا می\u200cرسد."})
		if err != nil {
			t.Fatal(err)
		}
		sent := api.Sent()
		if len(sent) != 1 || res.ExternalID != sent[0].ID || sent[0].To != whatsapptest.Customer ||
			sent[0].Type != "text" || sent[0].Text != "سفارش شما فردا می\u200cرسد." || sent[0].Context != "" {
			t.Fatalf("result %+v, sent %+v", res, sent)
		}
		if !strings.Contains(string(sent[0].Raw), `"recipient_type":"individual"`) ||
			!strings.Contains(string(sent[0].Raw), `"preview_url":false`) {
			t.Fatalf("request %s", sent[0].Raw)
		}
	})
	t.Run("reply to a phone identity", func(t *testing.T) {
		api := newAPI(t)
		c := newClient(t, api, 1, nil)
		_, err := c.Send(ctx, channels.Outbound{MessageID: 11, Text: "بله", LastInbound: recent(),
			To:     channels.Identity{Kind: channels.IdentityPhone, Value: "+98 912 123 4567"},
			Thread: channels.Thread{InReplyTo: "wamid.HBgMOTg5MTIxMjM0NTY3FQIAEhggTEXT"}})
		if err != nil {
			t.Fatal(err)
		}
		if s := api.Sent(); len(s) != 1 || s[0].To != whatsapptest.Customer || s[0].Context != "wamid.HBgMOTg5MTIxMjM0NTY3FQIAEhggTEXT" {
			t.Fatalf("sent %+v", s)
		}
	})
	t.Run("template outside the window", func(t *testing.T) {
		api := newAPI(t)
		c := newClient(t, api, 1, nil)
		res, err := c.Send(ctx, channels.Outbound{MessageID: 12, To: customer, LastInbound: time.Now().Add(-72 * time.Hour),
			Template: &Template{Name: "order_shipped", Language: "fa", Params: []string{"سارا", "۱۴۰۳-۱۲۳"}}})
		if err != nil {
			t.Fatal(err)
		}
		s := api.Sent()
		if len(s) != 1 || s[0].ID != res.ExternalID || s[0].Type != "template" || s[0].Template != "order_shipped" ||
			s[0].Language != "fa" || strings.Join(s[0].Params, "|") != "سارا|۱۴۰۳-۱۲۳" {
			t.Fatalf("sent %+v", s)
		}
	})
	t.Run("long text", func(t *testing.T) {
		api := newAPI(t)
		c := newClient(t, api, 1, nil)
		text := strings.Repeat("سلام دنیا ", 1000) // 10,000 characters
		res, err := c.Send(ctx, channels.Outbound{MessageID: 13, To: customer, Text: text, LastInbound: recent(),
			Thread: channels.Thread{InReplyTo: "wamid.X"}})
		if err != nil {
			t.Fatal(err)
		}
		s := api.Sent()
		if len(s) != 3 || res.ExternalID != s[0].ID {
			t.Fatalf("%d parts, result %+v", len(s), res)
		}
		var joined []string
		for i, p := range s {
			if n := utf8.RuneCountInString(p.Text); n > MaxText {
				t.Fatalf("part %d has %d characters", i, n)
			}
			if (p.Context != "") != (i == 0) {
				t.Fatalf("part %d answers %q", i, p.Context)
			}
			joined = append(joined, p.Text)
		}
		if strings.TrimSpace(strings.Join(joined, " ")) != strings.TrimSpace(text) {
			t.Fatal("the parts do not make up the text")
		}
	})
	t.Run("refused", func(t *testing.T) {
		api := newAPI(t)
		c := newClient(t, api, 1, nil)
		for _, m := range []channels.Outbound{
			{To: customer},
			{To: customer, Text: "x", Attachments: []channels.Attachment{{Name: "a.pdf"}}},
			{To: channels.Identity{Kind: channels.IdentityTelegram, Value: "12345678"}, Text: "x"},
			{To: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}, Text: "x"},
			{To: channels.Identity{Kind: Identity, Value: "abc"}, Text: "x"},
		} {
			m.LastInbound = recent()
			if _, err := c.Send(ctx, m); !errors.Is(err, channels.ErrPermanent) || !errors.Is(err, channels.ErrInvalid) {
				t.Errorf("%+v: %v", m, err)
			}
		}
		if n := len(api.Sent()); n != 0 {
			t.Fatalf("%d sent", n)
		}
	})
}

// TestSendFiles uploads attachments with bytes, sends those with only a
// URL by link, and puts a short text in the caption of a single file.
func TestSendFiles(t *testing.T) {
	ctx := context.Background()
	pdf := channels.Attachment{Name: "فاکتور.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}
	photo := channels.Attachment{Name: "a.jpg", ContentType: "image/jpeg", Data: []byte("jpeg")}
	voice := channels.Attachment{Name: "v.ogg", ContentType: "audio/ogg; codecs=opus", Data: []byte("ogg")}
	linked := channels.Attachment{Name: "clip.mp4", ContentType: "video/mp4", URL: "https://cdn.example.com/clip.mp4"}
	type part struct{ typ, text, caption, filename, link, data string }
	cases := []struct {
		name  string
		m     channels.Outbound
		parts []part
	}{
		{"document with its caption", channels.Outbound{Text: "فاکتور شما", Attachments: []channels.Attachment{pdf}},
			[]part{{typ: "document", caption: "فاکتور شما", filename: "فاکتور.pdf", data: "%PDF-1.4"}}},
		{"image alone", channels.Outbound{Attachments: []channels.Attachment{photo}},
			[]part{{typ: "image", data: "jpeg"}}},
		{"audio takes no caption", channels.Outbound{Text: "پیام صوتی", Attachments: []channels.Attachment{voice}},
			[]part{{typ: "text", text: "پیام صوتی"}, {typ: "audio", data: "ogg"}}},
		{"two files after the text", channels.Outbound{Text: "دو فایل", Attachments: []channels.Attachment{photo, linked}},
			[]part{{typ: "text", text: "دو فایل"}, {typ: "image", data: "jpeg"}, {typ: "video", link: linked.URL}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := newAPI(t)
			cl := newClient(t, api, 1, nil)
			c.m.To = customer
			c.m.Thread.InReplyTo = "wamid.Q"
			c.m.LastInbound = recent()
			res, err := cl.Send(ctx, c.m)
			if err != nil {
				t.Fatal(err)
			}
			sent := api.Sent()
			if len(sent) != len(c.parts) || res.ExternalID != sent[0].ID {
				t.Fatalf("result %+v, sent %+v", res, sent)
			}
			for i, p := range c.parts {
				s := sent[i]
				if s.Type != p.typ || s.Text != p.text || s.Caption != p.caption || s.Filename != p.filename || s.Link != p.link {
					t.Errorf("part %d: %+v, want %+v", i, s, p)
				}
				if p.data != "" {
					if data, ok := api.Media(s.Media); !ok || string(data) != p.data {
						t.Errorf("part %d: uploaded %q", i, data)
					}
				}
				if (s.Context == "wamid.Q") != (i == 0) {
					t.Errorf("part %d answers %q", i, s.Context)
				}
			}
		})
	}
	t.Run("a template carries no files", func(t *testing.T) {
		cl := newClient(t, newAPI(t), 1, nil)
		_, err := cl.Send(ctx, channels.Outbound{To: customer, Attachments: []channels.Attachment{pdf},
			Template: &Template{Name: "t", Language: "fa"}})
		if !errors.Is(err, channels.ErrPermanent) {
			t.Fatal(err)
		}
	})
}

// TestSendWindow refuses free text outside the 24-hour window after
// Outbound.LastInbound before asking WhatsApp, sends it inside, and sends
// a template at any time.
func TestSendWindow(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		last time.Time
		sent bool
	}{
		{"wrote an hour ago", now.Add(-time.Hour), true},
		{"wrote 23h59m ago", now.Add(-24*time.Hour + time.Minute), true},
		{"wrote exactly 24h ago", now.Add(-24 * time.Hour), false},
		{"wrote three days ago", now.Add(-72 * time.Hour), false},
		{"never wrote", time.Time{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := newAPI(t)
			cl := newClient(t, api, 4, nil)
			cl.now = func() time.Time { return now }
			_, err := cl.Send(ctx, channels.Outbound{MessageID: 1, To: customer, Text: "سلام", LastInbound: c.last})
			if c.sent {
				if err != nil || len(api.Sent()) != 1 {
					t.Fatalf("err %v, sent %d", err, len(api.Sent()))
				}
				return
			}
			if !errors.Is(err, ErrWindowClosed) || !errors.Is(err, channels.ErrWindowClosed) ||
				!errors.Is(err, channels.ErrPermanent) || len(api.Sent()) != 0 {
				t.Fatalf("err %v, sent %d", err, len(api.Sent()))
			}
			_, err = cl.Send(ctx, channels.Outbound{MessageID: 2, To: customer, LastInbound: c.last,
				Template: &Template{Name: "follow_up", Language: "en_US"}})
			if err != nil || len(api.Sent()) != 1 || api.Sent()[0].Template != "follow_up" {
				t.Fatalf("template: err %v, sent %+v", err, api.Sent())
			}
		})
	}
}

// recent is a LastInbound inside the window.
func recent() time.Time { return time.Now().Add(-time.Minute) }

// TestWindow checks the window rule itself.
func TestWindow(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		last   time.Time
		open   bool
		closes time.Time
	}{
		{time.Time{}, false, time.Time{}},
		{now, true, now.Add(24 * time.Hour)},
		{now.Add(-23 * time.Hour), true, now.Add(time.Hour)},
		{now.Add(-24 * time.Hour), false, now},
		{now.Add(-25 * time.Hour), false, now.Add(-time.Hour)},
		{now.Add(time.Minute), true, now.Add(24*time.Hour + time.Minute)},
	}
	for _, c := range cases {
		open, closes := Window(c.last, now)
		if open != c.open || !closes.Equal(c.closes) {
			t.Errorf("Window(%v) = %v %v, want %v %v", c.last, open, closes, c.open, c.closes)
		}
	}
}

// TestSendErrors maps the Cloud API's error answers, given by the
// stand-in, to the channels contract.
func TestSendErrors(t *testing.T) {
	cases := []struct {
		code      int
		window    bool
		permanent bool
		retry     time.Duration // a *channels.RetryAfterError with this wait
	}{
		{code: 131047, window: true, permanent: true},
		{code: 130429, retry: 5 * time.Second},
		{code: 131048, retry: time.Minute},
		{code: 131026, permanent: true},
		{code: 100, permanent: true},
		{code: 190, permanent: true},
		{code: 131000},
	}
	for _, c := range cases {
		t.Run(whatsapptestName(c.code), func(t *testing.T) {
			api := newAPI(t)
			cl := newClient(t, api, 1, nil)
			api.FailNext(c.code)
			_, err := cl.Send(context.Background(), channels.Outbound{MessageID: 5, To: customer, Text: "سلام", LastInbound: recent()})
			if err == nil {
				t.Fatal("no error")
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.Code != c.code || ae.TraceID == "" {
				t.Fatalf("%v: no API error with code %d", err, c.code)
			}
			if errors.Is(err, ErrWindowClosed) != c.window || errors.Is(err, channels.ErrPermanent) != c.permanent {
				t.Fatalf("%v: window %v permanent %v", err, errors.Is(err, ErrWindowClosed), errors.Is(err, channels.ErrPermanent))
			}
			var ra *channels.RetryAfterError
			if errors.As(err, &ra) != (c.retry != 0) || c.retry != 0 && ra.After != c.retry {
				t.Fatalf("%v: retry after %+v, want %s", err, ra, c.retry)
			}
			if c.window && !strings.Contains(err.Error(), "only an approved template may be sent") {
				t.Fatalf("%v does not say what to do", err)
			}
			// The next send goes through.
			if _, err := cl.Send(context.Background(), channels.Outbound{To: customer, Text: "سلام", LastInbound: recent()}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func whatsapptestName(code int) string {
	return strings.SplitN(whatsapptest.Errors[code].Message, ")", 2)[0] + ")"
}

// TestTest checks the token and number against the stand-in.
func TestTest(t *testing.T) {
	api := newAPI(t)
	if err := newClient(t, api, 1, nil).Test(context.Background()); err != nil {
		t.Fatal(err)
	}
	wrong := newClient(t, api, 1, func(c *Config) { c.PhoneNumberID = "1" })
	if err := wrong.Test(context.Background()); !errors.Is(err, channels.ErrPermanent) {
		t.Fatalf("unknown number: %v", err)
	}
	bad, err := New(1, Config{PhoneNumberID: whatsapptest.PhoneNumberID, BaseURL: api.URL},
		Secrets{AccessToken: "expired", AppSecret: "s", VerifyToken: "v"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.Test(context.Background()); !errors.Is(err, channels.ErrPermanent) || !strings.Contains(err.Error(), "access token") {
		t.Fatalf("bad token: %v", err)
	}
}
