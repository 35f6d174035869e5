package inbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

// TestTemplateReplyAndLastInbound stores template replies on a kind that
// declares templates (and refuses them elsewhere), and checks that the
// delivery lookup gives the sender the template and the customer's last
// message time on the channel.
func TestTemplateReplyAndLastInbound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	send := func(context.Context, channels.Instance) (channels.Sender, error) { return nil, nil }
	chat := channels.IdentitySpec{Kind: "chatid", Label: channels.Text{Fa: "چت", En: "Chat"}, Normalize: channels.NumericID("chat", "")}
	kinds, err := channels.NewRegistry(
		channels.Driver{Kind: "chat", Identities: []channels.IdentitySpec{chat}, Reaches: "chatid", Sender: send, Templates: true,
			Window: func(last, now time.Time) (bool, time.Time) {
				return now.Before(last.Add(time.Hour)), last.Add(time.Hour)
			}},
		channels.Driver{Kind: "plain", Identities: []channels.IdentitySpec{chat}, Reaches: "chatid", Sender: send},
	)
	if err != nil {
		t.Fatal(err)
	}
	ib := inbox.New(e.pool, inbox.Config{Kinds: kinds}, nil)
	chatCh, _ := ib.CreateChannel(ctx, "chat", "chat", nil)
	plainCh, _ := ib.CreateChannel(ctx, "plain", "plain", nil)
	wrote := time.Now().Add(-30 * time.Hour).Truncate(time.Second).UTC()
	from := channels.Identity{Kind: "chatid", Value: "4242"}
	for i, at := range []time.Time{wrote.Add(-time.Hour), wrote} {
		in := channels.Inbound{ChannelID: chatCh, ExternalID: "c" + string(rune('1'+i)), From: from, Text: "hello", SentAt: at}
		if err := ib.Ingest(ctx, []channels.Inbound{in}); err != nil {
			t.Fatal(err)
		}
	}
	var conv int64
	if err := e.pool.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE channel_id = $1 LIMIT 1`, chatCh).Scan(&conv); err != nil {
		t.Fatal(err)
	}

	t.Run("last inbound", func(t *testing.T) {
		got, err := ib.LastInbound(ctx, conv, chatCh)
		if err != nil || !got.Equal(wrote) {
			t.Fatalf("LastInbound = %v, %v; want %v", got, err, wrote)
		}
		if got, err := ib.LastInbound(ctx, conv, plainCh); err != nil || !got.IsZero() {
			t.Fatalf("on a channel never written to: %v, %v", got, err)
		}
	})
	t.Run("template", func(t *testing.T) {
		tpl := &channels.Template{Name: " order_update ", Language: "fa", Params: []string{"سارا", "۱۲۳"}}
		id, err := ib.AddReply(ctx, inbox.Reply{ConversationID: conv, AuthorID: agentID(t, e), Template: tpl})
		if err != nil {
			t.Fatal(err)
		}
		d, err := ib.Delivery(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		m := d.Message
		if m.Template == nil || m.Template.Name != "order_update" || m.Template.Language != "fa" ||
			strings.Join(m.Template.Params, "|") != "سارا|۱۲۳" || !m.LastInbound.Equal(wrote) ||
			m.Text != "📋 order_update (fa): سارا · ۱۲۳" || m.To.Kind != "chatid" || m.To.Value != "4242" {
			t.Fatalf("delivery %+v", m)
		}
	})
	t.Run("text", func(t *testing.T) {
		id, err := ib.AddReply(ctx, inbox.Reply{ConversationID: conv, Text: "free text"})
		if err != nil {
			t.Fatal(err)
		}
		if d, err := ib.Delivery(ctx, id); err != nil || d.Message.Template != nil || !d.Message.LastInbound.Equal(wrote) {
			t.Fatalf("delivery %+v, %v", d.Message, err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		for name, r := range map[string]inbox.Reply{
			"no name":         {ConversationID: conv, Template: &channels.Template{Language: "fa"}},
			"no language":     {ConversationID: conv, Template: &channels.Template{Name: "x"}},
			"with text":       {ConversationID: conv, Text: "hi", Template: &channels.Template{Name: "x", Language: "fa"}},
			"kind without":    {ConversationID: conv, ChannelID: plainCh, Template: &channels.Template{Name: "x", Language: "fa"}},
			"with attachment": {ConversationID: conv, Template: &channels.Template{Name: "x", Language: "fa"}, Attachments: []channels.Attachment{{Name: "a", Data: []byte("a")}}},
		} {
			if _, err := ib.AddReply(ctx, r); !errors.Is(err, inbox.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}
