package email

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// TestRoundTrip follows one conversation through both directions: a
// customer's mail comes in over IMAP, the agent's reply goes out over SMTP
// with the threading headers, and the customer's answers (however her mail
// client threads them) and a bounce come back into the same conversation.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	imapSrv := newIMAPServer(t, imapServerOptions{})
	smtpSrv := newSMTPServer(t, smtpServerOptions{})
	ib := newTestInbox(t)
	cfg := imapSrv.config()
	cfg.SMTP = smtpSrv.smtpConfig(AuthPlain)
	cfg.ReplyToken = true
	sec := Secrets{IMAPPassword: testPassword, SMTPPassword: testPassword}

	// 1. The customer writes.
	imapSrv.appendMail(t, customerMail(`"Sara Ahmadi" <sara.ahmadi@gmail.com>`, "support@example.com",
		"Order 1234 not delivered", "c1@mail.gmail.com", "", "Where is my order?"))
	startReceiver(t, newTestReceiver(t, imapSrv, ib.channel, nil), "", ib)
	ib.waitCount(t, 1)
	conv, err := ib.Conversation(ctx, ib.conversationOf(t, "c1@mail.gmail.com"))
	if err != nil {
		t.Fatal(err)
	}

	// 2. The agent replies: the inbox stores the reply with our Message-ID
	// (as a queued outbound row), then the worker sends it.
	ours := fmt.Sprintf("peyk.%d.0f1e2d3c@example.com", conv.ID)
	var msgID int64
	err = ib.pool.QueryRow(ctx, `INSERT INTO messages (conversation_id, channel_id, direction, kind, body, subject,
		message_id, in_reply_to, refs, status) VALUES ($1, $2, 'out', 'email', 'On its way.', $3, $4, $5, $6, 'queued')
		RETURNING id`, conv.ID, ib.channel, conv.Subject, ours, "c1@mail.gmail.com", []string{"c1@mail.gmail.com"}).Scan(&msgID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := NewSender(cfg, sec).Send(ctx, channels.Outbound{
		MessageID: msgID, ChannelID: ib.channel,
		To:      channels.Identity{Kind: channels.IdentityEmail, Value: "sara.ahmadi@gmail.com", Name: "Sara Ahmadi"},
		Text:    "On its way.",
		HTML:    "<p>On its <b>way</b>.</p>",
		Subject: conv.Subject,
		Ref:     conv.Ref,
		Thread: channels.Thread{MessageID: ours, InReplyTo: "c1@mail.gmail.com",
			References: []string{"c1@mail.gmail.com"}, ReplyToken: conv.ReplyToken},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ib.pool.Exec(ctx, `UPDATE messages SET status = 'sent', external_id = $2 WHERE id = $1`, msgID, res.ExternalID); err != nil {
		t.Fatal(err)
	}
	sent := smtpSrv.mails()
	if len(sent) != 1 {
		t.Fatalf("SMTP server got %d mails", len(sent))
	}
	// The reply as the customer's mail provider sees it.
	out, _, err := Parse(sent[0].Data, "")
	if err != nil {
		t.Fatal(err)
	}
	wantSubject := fmt.Sprintf("Re: Order 1234 not delivered [#%d]", conv.Ref)
	if baseID(out.ExternalID) != ours || out.Thread.InReplyTo != "c1@mail.gmail.com" ||
		strings.Join(out.Thread.References, " ") != "c1@mail.gmail.com" || out.Thread.Subject != wantSubject ||
		out.Headers["Reply-To"] != fmt.Sprintf(`"Peyk Support" <support+%s@example.com>`, conv.ReplyToken) ||
		out.Text != "On its way." || out.HTML != "<p>On its <b>way</b>.</p>" {
		t.Fatalf("sent reply reads as %+v", out)
	}

	// 3. The customer answers, with three kinds of mail client: one that
	// answers the Reply-To (the token) and keeps the headers, one that
	// keeps only In-Reply-To, and one that dropped both but kept «[#ref]».
	// A bounce of our reply comes back too.
	imapSrv.appendMail(t, customerMail(`"Sara Ahmadi" <sara.ahmadi@gmail.com>`,
		fmt.Sprintf(`"Peyk Support" <support+%s@example.com>`, conv.ReplyToken),
		"Re: "+wantSubject, "c2@mail.gmail.com", ours, "Thanks!"))
	imapSrv.appendMail(t, customerMail("sara.ahmadi@gmail.com", "support@example.com",
		"Another question", "c3@mail.gmail.com", ours, "And the invoice?"))
	imapSrv.appendMail(t, customerMail("sara.ahmadi@gmail.com", "support@example.com",
		fmt.Sprintf("AW: [#%d] status", conv.Ref), "c4@mail.gmail.com", "", "Any news?"))
	bounce := strings.Replace(string(dsn("failed", "5.2.2", "552 5.2.2 Mailbox full")), "ours@example.com", ours, 1)
	imapSrv.appendMail(t, []byte(bounce))
	ib.waitCount(t, 6) // c1, our reply, three answers and the bounce
	for _, id := range []string{"c2@mail.gmail.com", "c3@mail.gmail.com", "c4@mail.gmail.com"} {
		if got := ib.conversationOf(t, id); got != conv.ID {
			t.Errorf("answer %s went to conversation %d, want %d", id, got, conv.ID)
		}
	}
	var bounceConv int64
	var auto bool
	err = ib.pool.QueryRow(ctx, `SELECT conversation_id, auto_reply FROM messages
		WHERE channel_id = $1 AND direction = 'in' AND body = 'Report.'`, ib.channel).Scan(&bounceConv, &auto)
	if err != nil || bounceConv != conv.ID || !auto {
		t.Errorf("bounce in conversation %d auto_reply %v (%v), want %d and true", bounceConv, auto, err, conv.ID)
	}
	var status, why string
	if err := ib.pool.QueryRow(ctx, `SELECT status, error FROM messages WHERE id = $1`, msgID).Scan(&status, &why); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || why != "x@example.org: 552 5.2.2 Mailbox full" {
		t.Errorf("our reply is %q (%q) after the bounce, want failed with the diagnostic", status, why)
	}
}
