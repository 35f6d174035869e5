package workers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/workers"
)

// mailConversation ingests a customer's mail on a new email channel and
// returns its conversation.
func (f fixture) mailConversation(t testing.TB, from, msgID string) int64 {
	t.Helper()
	ctx := context.Background()
	ch, err := f.ib.CreateChannel(ctx, channels.Email, "support", map[string]string{"from": "support@shop.ir"})
	if err != nil {
		t.Fatal(err)
	}
	err = f.ib.Ingest(ctx, []channels.Inbound{{ChannelID: ch, ExternalID: msgID, Kind: channels.KindEmail,
		From: channels.Identity{Kind: channels.IdentityEmail, Value: from}, Text: "My order is late",
		Thread: channels.Thread{MessageID: msgID, Subject: "Order 123"}}})
	if err != nil {
		t.Fatal(err)
	}
	var conv int64
	if err := f.pool.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE external_id = $1`, msgID).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	return conv
}

// TestEmailReplyThroughWorker: an agent's reply goes out through the
// delivery task to a real SMTP server with its threading headers; a 5xx
// marks the message failed, visibly.
func TestEmailReplyThroughWorker(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mail := newMailServer(t)
	srv := workers.NewServer(f.redis, workers.Config{}, f.ib, mail, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	ctx := context.Background()
	agent := f.agent(t, "sara@shop.ir")

	conv := f.mailConversation(t, "ali@customer.example", "m1@customer.example")
	id, err := f.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, AuthorID: agent, Text: "It ships today."})
	if err != nil {
		t.Fatal(err)
	}
	if err := workers.EnqueueDelivery(ctx, f.client, id, workers.QueueLive); err != nil {
		t.Fatal(err)
	}
	d := f.waitStatus(t, id, "sent")
	got := mail.received()
	if len(got) != 1 {
		t.Fatalf("SMTP server got %d mails", len(got))
	}
	c, _ := f.ib.Conversation(ctx, conv)
	for _, want := range []string{"In-Reply-To: <m1@customer.example>", "References: <m1@customer.example>",
		"Message-ID: <" + d.Message.Thread.MessageID + ">", fmt.Sprintf("Subject: Re: Order 123 [#%d]", c.Ref),
		"support+" + c.ReplyToken + "@shop.ir",
		"It ships today."} {
		if !strings.Contains(got[0], want) {
			t.Errorf("sent mail lacks %q:\n%s", want, got[0])
		}
	}

	gone := f.mailConversation(t, "gone@customer.example", "m2@customer.example")
	id2, err := f.ib.AddReply(ctx, inbox.Reply{ConversationID: gone, AuthorID: agent, Text: "Hello?"})
	if err != nil {
		t.Fatal(err)
	}
	if err := workers.EnqueueDelivery(ctx, f.client, id2, workers.QueueLive); err != nil {
		t.Fatal(err)
	}
	if d := f.waitStatus(t, id2, "failed"); !strings.Contains(d.Message.Text, "Hello?") {
		t.Fatalf("delivery = %+v", d)
	}
	var errText string
	_ = f.pool.QueryRow(ctx, `SELECT error FROM messages WHERE id = $1`, id2).Scan(&errText)
	if !strings.Contains(errText, "550") {
		t.Fatalf("error shown to the agent = %q, want the 550", errText)
	}
}
