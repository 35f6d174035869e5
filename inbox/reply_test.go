package inbox_test

import (
	"context"
	"errors"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

func TestReplyAndDelivery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.pool.Exec(ctx, `UPDATE channels SET config = '{"from": "support@shop.ir"}' WHERE id = $1`, e.mail); err != nil {
		t.Fatal(err)
	}
	in := mailFrom(e.mail, "Sara <sara@example.com>", "c1@mail", channels.Thread{Subject: "Invoice", References: []string{"r0@mail"}})
	e.ingest(t, in)
	conv := e.conversationOf(t, "c1@mail")
	// The same customer also has a phone: a reply on the SMS channel goes there.
	e.ingest(t, channels.Inbound{ChannelID: e.sms, ExternalID: "s1", From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"},
		Also: []channels.Identity{{Kind: channels.IdentityEmail, Value: "sara@example.com"}}, Text: "hi"})

	id, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, AuthorID: agentID(t, e), Text: "Here it is", HTML: "<p>Here it is</p>",
		Attachments: []channels.Attachment{{Name: "invoice.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.ib.Delivery(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	m := d.Message
	if d.Status != "queued" || m.To.Value != "sara@example.com" || m.Thread.InReplyTo != "c1@mail" ||
		len(m.Thread.References) != 2 || m.Thread.ReplyToken == "" || len(m.Attachments) != 1 ||
		string(m.Attachments[0].Data) != "%PDF" || m.Subject != "Invoice" {
		t.Fatalf("delivery = %+v", d)
	}
	if len(m.Thread.MessageID) < 10 || m.Thread.MessageID[len(m.Thread.MessageID)-8:] != "@shop.ir" {
		t.Fatalf("message id = %q", m.Thread.MessageID)
	}
	c, _ := e.ib.Conversation(ctx, conv)
	if c.FirstResponseAt == nil || c.WaitingSince != nil || c.Unread != 0 {
		t.Fatalf("after reply: %+v", c)
	}

	smsID, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, ChannelID: e.sms, Text: "Also by SMS"})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := e.ib.Delivery(ctx, smsID); d.Message.To.Value != "+989121234567" || d.Message.To.Kind != channels.IdentityPhone {
		t.Fatalf("sms delivery to %+v", d.Message.To)
	}

	t.Run("bad replies", func(t *testing.T) {
		if _, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, Text: "  "}); !errors.Is(err, inbox.ErrInvalid) {
			t.Errorf("empty: %v", err)
		}
		if _, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: 99999, Text: "x"}); !errors.Is(err, inbox.ErrNotFound) {
			t.Errorf("unknown conversation: %v", err)
		}
		tg, _ := e.ib.CreateChannel(ctx, channels.Telegram, "bot", nil)
		if _, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, ChannelID: tg, Text: "x"}); !errors.Is(err, inbox.ErrInvalid) {
			t.Errorf("no telegram identity: %v", err)
		}
	})

	t.Run("sent then reports", func(t *testing.T) {
		if err := e.ib.MarkSent(ctx, smsID, "SM123"); err != nil {
			t.Fatal(err)
		}
		n, err := e.ib.Update(ctx, []channels.Update{
			{ChannelID: e.sms, ExternalID: "SM123", Status: channels.StatusDelivered},
			{ChannelID: e.sms, ExternalID: "SM123", Status: channels.StatusSent}, // late: ignored
			{ChannelID: e.sms, ExternalID: "unknown", Status: channels.StatusFailed},
		})
		if err != nil || n != 2 {
			t.Fatalf("applied %d, %v", n, err)
		}
		if d, _ := e.ib.Delivery(ctx, smsID); d.Status != "delivered" || d.Attempts != 1 {
			t.Fatalf("status %s attempts %d", d.Status, d.Attempts)
		}
	})

	t.Run("bounce by message id", func(t *testing.T) {
		if err := e.ib.MarkSent(ctx, id, ""); err != nil {
			t.Fatal(err)
		}
		n, err := e.ib.Update(ctx, []channels.Update{{ChannelID: e.mail, MessageID: "<" + m.Thread.MessageID + ">",
			Status: channels.StatusFailed, Error: "550 5.1.1 user unknown"}})
		if err != nil || n != 1 {
			t.Fatalf("applied %d, %v", n, err)
		}
		ms, _ := e.ib.Messages(ctx, conv)
		var got inbox.Message
		for _, msg := range ms {
			if msg.ID == id {
				got = msg
			}
		}
		if got.Status != "failed" || got.Error != "550 5.1.1 user unknown" {
			t.Fatalf("bounced message: %s %q", got.Status, got.Error)
		}
	})

	t.Run("failed attempts", func(t *testing.T) {
		id3, _ := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, Text: "third"})
		if err := e.ib.MarkAttempt(ctx, id3, errors.New("451 try later"), false); err != nil {
			t.Fatal(err)
		}
		if d, _ := e.ib.Delivery(ctx, id3); d.Status != "queued" || d.Attempts != 1 {
			t.Fatalf("after a retryable failure: %s %d", d.Status, d.Attempts)
		}
		if q, _ := e.ib.Queued(ctx, 10); len(q) != 1 || q[0].ID != id3 || q[0].Queue != "default" {
			t.Fatalf("queued = %v", q)
		}
		if err := e.ib.MarkAttempt(ctx, id3, errors.New("550 no such user"), true); err != nil {
			t.Fatal(err)
		}
		if d, _ := e.ib.Delivery(ctx, id3); d.Status != "failed" || d.Attempts != 2 {
			t.Fatalf("after the final failure: %s %d", d.Status, d.Attempts)
		}
	})

	t.Run("edit", func(t *testing.T) {
		n, err := e.ib.Update(ctx, []channels.Update{{ChannelID: e.sms, ExternalID: "s1", Edited: true, Text: "hi, edited"}})
		if err != nil || n != 1 {
			t.Fatalf("applied %d, %v", n, err)
		}
		var body string
		_ = e.pool.QueryRow(ctx, `SELECT body FROM messages WHERE external_id = 's1'`).Scan(&body)
		if body != "hi, edited" {
			t.Fatalf("body = %q", body)
		}
		if _, err := e.ib.Update(ctx, []channels.Update{{ChannelID: e.sms, ExternalID: "s1", Status: "lost"}}); !errors.Is(err, inbox.ErrInvalid) {
			t.Fatalf("bad status: %v", err)
		}
	})
}

func agentID(t *testing.T, e env) int64 {
	t.Helper()
	var id int64
	err := e.pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role) VALUES ('agent@x', 'Agent', 'agent')
		ON CONFLICT (email) DO UPDATE SET name = excluded.name RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
