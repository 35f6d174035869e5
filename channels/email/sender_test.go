package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/peykhq/peyk/channels"
)

func senderFor(srv *smtpServer, auth string) *Sender {
	return NewSender(Config{
		SMTP: srv.smtpConfig(auth), From: testUser, FromName: "Peyk Support", ReplyToken: true,
	}, Secrets{SMTPPassword: testPassword})
}

// reply is an agent reply as the inbox hands it to the sender.
func reply(to string) channels.Outbound {
	return channels.Outbound{
		MessageID: 77,
		ChannelID: 3,
		To:        channels.Identity{Kind: channels.IdentityEmail, Value: to, Name: "سارا احمدی"},
		Text:      "سفارش شما ارسال شد.\nکد رهگیری: IR123",
		HTML:      `<p dir="rtl">سفارش شما <b>ارسال</b> شد.</p>`,
		Subject:   "پیگیری سفارش [#1042]",
		Attachments: []channels.Attachment{
			{Name: "فاکتور.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 invoice")},
			{Name: "logo.png", ContentType: "image/png", Data: []byte("\x89PNG logo"), ContentID: "logo@peyk"},
		},
		Thread: channels.Thread{
			MessageID:  "peyk.77.abc@example.com",
			InReplyTo:  "CAJ7z9XmR4-reply2@mail.gmail.com",
			References: []string{"CAJ7z9Xk2-first@mail.gmail.com", "peyk.70.def@example.com", "CAJ7z9XmR4-reply2@mail.gmail.com"},
			ReplyToken: "k3jz7q2mxv4tnp6a",
		},
	}
}

func TestSenderHeadersAndParts(t *testing.T) {
	srv := newSMTPServer(t, smtpServerOptions{})
	res, err := senderFor(srv, AuthPlain).Send(context.Background(), reply("sara.ahmadi@gmail.com"))
	if err != nil {
		t.Fatal(err)
	}
	if res.ExternalID != "peyk.77.abc@example.com" {
		t.Errorf("ExternalID = %q, want the Message-ID", res.ExternalID)
	}
	got := srv.mails()
	if len(got) != 1 {
		t.Fatalf("server received %d mails, want 1", len(got))
	}
	m := got[0]
	if m.From != testUser || len(m.To) != 1 || m.To[0] != "sara.ahmadi@gmail.com" || m.Auth != testUser {
		t.Errorf("envelope from %q to %q auth %q", m.From, m.To, m.Auth)
	}
	r, err := mail.CreateReader(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	h := r.Header
	from, _ := h.AddressList("From")
	replyTo, _ := h.AddressList("Reply-To")
	to, _ := h.AddressList("To")
	subject, _ := h.Subject()
	for _, c := range []struct{ name, got, want string }{
		{"Message-ID", h.Get("Message-Id"), "<peyk.77.abc@example.com>"},
		{"In-Reply-To", h.Get("In-Reply-To"), "<CAJ7z9XmR4-reply2@mail.gmail.com>"},
		{"References", strings.Join(strings.Fields(h.Get("References")), " "),
			"<CAJ7z9Xk2-first@mail.gmail.com> <peyk.70.def@example.com> <CAJ7z9XmR4-reply2@mail.gmail.com>"},
		{"Reply-To", replyTo[0].Address, "support+k3jz7q2mxv4tnp6a@example.com"},
		{"From", from[0].String(), (&mail.Address{Name: "Peyk Support", Address: testUser}).String()},
		{"To name", to[0].Name, "سارا احمدی"},
		{"Subject", subject, "Re: پیگیری سفارش [#1042]"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	var text, html string
	files := map[string]string{}
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p.Body)
		ct := p.Header.Get("Content-Type")
		switch {
		case strings.HasPrefix(ct, "text/plain"):
			text = string(body)
		case strings.HasPrefix(ct, "text/html"):
			html = string(body)
		default:
			_, dp := mediaType(p.Header.Get("Content-Disposition"), "")
			_, cp := mediaType(p.Header.Get("Content-Type"), "")
			name := decodeWords(dp["filename"]+cp["name"], "")
			if dp["filename"] != "" {
				name = decodeWords(dp["filename"], "")
			}
			files[name] = string(body) + " cid=" + strings.Trim(p.Header.Get("Content-Id"), "<>")
		}
	}
	if text != "سفارش شما ارسال شد.\r\nکد رهگیری: IR123" && text != "سفارش شما ارسال شد.\nکد رهگیری: IR123" {
		t.Errorf("text part = %q", text)
	}
	if !strings.Contains(html, "<b>ارسال</b>") {
		t.Errorf("html part = %q", html)
	}
	if files["فاکتور.pdf"] != "%PDF-1.4 invoice cid=" || files["logo.png"] != "\x89PNG logo cid=logo@peyk" {
		t.Errorf("attachments = %q", files)
	}
}

func TestSenderErrors(t *testing.T) {
	srv := newSMTPServer(t, smtpServerOptions{})
	for _, c := range []struct {
		name      string
		to        string
		auth      string
		password  string
		port      int
		permanent bool
	}{
		{name: "550 unknown recipient", to: "gone@customer.example", auth: AuthNone, permanent: true},
		{name: "451 try later", to: "busy@customer.example", auth: AuthNone},
		{name: "535 bad password", to: "sara@example.net", auth: AuthPlain, password: "wrong", permanent: true},
		{name: "no server", to: "sara@example.net", auth: AuthNone, port: deadPort(t)},
		{name: "bad recipient address", to: "not an address", auth: AuthNone, permanent: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := senderFor(srv, c.auth)
			if c.password != "" {
				s.sec.SMTPPassword = c.password
			}
			if c.port != 0 {
				s.cfg.SMTP.Port = c.port
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := s.Send(ctx, reply(c.to))
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if errors.Is(err, channels.ErrPermanent) != c.permanent {
				t.Errorf("errors.Is(%v, ErrPermanent) = %v, want %v", err, !c.permanent, c.permanent)
			}
		})
	}
	if n := len(srv.mails()); n != 0 {
		t.Errorf("server accepted %d mails", n)
	}
}

func TestSenderMinimal(t *testing.T) {
	// No thread, no token, no HTML: a new mail with a made-up Message-ID.
	srv := newSMTPServer(t, smtpServerOptions{})
	out := channels.Outbound{MessageID: 9, To: channels.Identity{Kind: channels.IdentityEmail, Value: "a@example.net"},
		HTML: "<p>Only <i>HTML</i></p>", Subject: "Re: hello"}
	res, err := senderFor(srv, AuthLogin).Send(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.ExternalID, "peyk.") || !strings.HasSuffix(res.ExternalID, "@example.com") {
		t.Errorf("made-up Message-ID %q", res.ExternalID)
	}
	m := srv.mails()[0]
	in, _, err := Parse(m.Data, "")
	if err != nil {
		t.Fatal(err)
	}
	if baseID(in.ExternalID) != res.ExternalID || in.Thread.Subject != "Re: hello" || in.Thread.InReplyTo != "" ||
		len(in.Thread.References) != 0 || in.Text != "Only HTML" || in.Headers["Reply-To"] != "" {
		t.Errorf("sent mail parsed back as %+v", in)
	}
}

func TestReplySubject(t *testing.T) {
	for _, c := range []struct {
		in   string
		ref  int64
		want string
	}{
		{"Order 1234", 0, "Re: Order 1234"},
		{"Re: Order 1234", 0, "Re: Order 1234"},
		{"RE: Order", 0, "RE: Order"},
		{"re : Order", 0, "re : Order"},
		{"Fwd: Invoice", 0, "Fwd: Invoice"},
		{"FW: Invoice", 0, "FW: Invoice"},
		{"AW: Rechnung", 0, "AW: Rechnung"},
		{"Re[2]: Order", 0, "Re[2]: Order"},
		{"پاسخ: سفارش", 0, "پاسخ: سفارش"},
		{"پیگیری سفارش [#1042]", 0, "Re: پیگیری سفارش [#1042]"},
		{"[#1042] Refund", 0, "Re: [#1042] Refund"},
		{"Regarding your order", 0, "Re: Regarding your order"},
		{"  ", 0, ""},
		{"Order 1234", 1042, "Re: Order 1234 [#1042]"},
		{"Re: Order 1234", 1042, "Re: Order 1234 [#1042]"},
		{"پیگیری سفارش [#1042]", 1042, "Re: پیگیری سفارش [#1042]"},
		{"Re: [#1042] Refund", 1042, "Re: [#1042] Refund"},
		{"Re: Order [#10421]", 1042, "Re: Order [#10421] [#1042]"},
		{"", 1042, "Re: [#1042]"},
	} {
		t.Run(fmt.Sprintf("%s/%d", c.in, c.ref), func(t *testing.T) {
			if got := replySubject(c.in, c.ref); got != c.want {
				t.Errorf("replySubject(%q, %d) = %q, want %q", c.in, c.ref, got, c.want)
			}
		})
	}
}

// TestSenderReplyTokenOptIn: the plus-addressed Reply-To goes out only
// when the channel turned reply_token on; the subject carries the
// conversation's «[#ref]» either way, once.
func TestSenderReplyTokenOptIn(t *testing.T) {
	for _, c := range []struct {
		name    string
		token   bool
		subject string
		replyTo string // empty: no Reply-To
	}{
		{"off", false, "Order 1234", ""},
		{"on", true, "Order 1234", "support+k3jz7q2mxv4tnp6a@example.com"},
		{"ref already there", false, "Re: Order 1234 [#1042]", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newSMTPServer(t, smtpServerOptions{noPlus: !c.token})
			cfg := Config{SMTP: srv.smtpConfig(AuthNone), From: testUser, FromName: "Peyk Support", ReplyToken: c.token}
			m := reply("sara.ahmadi@gmail.com")
			m.Subject, m.Ref = c.subject, 1042
			if _, err := NewSender(cfg, Secrets{}).Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			got := srv.mails()
			if len(got) != 1 {
				t.Fatalf("server received %d mails, want 1", len(got))
			}
			in, _, err := Parse(got[0].Data, "")
			if err != nil {
				t.Fatal(err)
			}
			if in.Thread.Subject != "Re: Order 1234 [#1042]" {
				t.Errorf("subject %q, want %q", in.Thread.Subject, "Re: Order 1234 [#1042]")
			}
			var replyTo string
			if v := in.Headers["Reply-To"]; v != "" {
				a, err := mail.ParseAddress(v)
				if err != nil {
					t.Fatal(err)
				}
				replyTo = a.Address
			}
			if replyTo != c.replyTo {
				t.Errorf("Reply-To %q, want %q", replyTo, c.replyTo)
			}
		})
	}
}
