package inbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/inbox/schedule"
)

func mailFrom(ch int64, addr, msgID string, th channels.Thread) channels.Inbound {
	th.MessageID = msgID
	return channels.Inbound{ChannelID: ch, ExternalID: msgID, Kind: channels.KindEmail,
		From: channels.Identity{Kind: channels.IdentityEmail, Value: addr}, Text: "body of " + msgID, Thread: th}
}

// conversationOf returns the conversation of the message with external id ext.
func (e env) conversationOf(t *testing.T, ext string) int64 {
	t.Helper()
	return int64(e.count(t, `SELECT conversation_id FROM messages WHERE external_id = $1`, ext))
}

func (e env) ingest(t *testing.T, in ...channels.Inbound) {
	t.Helper()
	if err := e.ib.Ingest(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func TestEmailThreading(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.ingest(t, mailFrom(e.mail, "Sara <sara@example.com>", "a1@mail", channels.Thread{Subject: "Broken printer"}))
	first := e.conversationOf(t, "a1@mail")
	c, err := e.ib.Conversation(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "Broken printer" || c.Ref < 1000 {
		t.Fatalf("conversation = %+v", c)
	}
	// Our reply, as the email channel will store it, is a known Message-ID.
	if _, err := e.pool.Exec(ctx, `INSERT INTO messages (conversation_id, channel_id, direction, kind, message_id, status)
		VALUES ($1, $2, 'out', 'email', 'our-reply@peyk', 'sent')`, first, e.mail); err != nil {
		t.Fatal(err)
	}
	e.ingest(t, mailFrom(e.mail, "ali@example.com", "other@mail", channels.Thread{Subject: "Another customer"}))
	other := e.conversationOf(t, "other@mail")

	cases := []struct {
		name string
		from string
		th   channels.Thread
		want int64 // 0: a new conversation
	}{
		{"reply token", "colleague@example.com", channels.Thread{ReplyToken: c.ReplyToken, Subject: "x"}, first},
		{"in-reply-to our message", "sara@example.com", channels.Thread{InReplyTo: "<our-reply@peyk>"}, first},
		{"in-reply-to customer message", "sara@example.com", channels.Thread{InReplyTo: "a1@mail"}, first},
		{"references rewritten by client", "sara@example.com",
			channels.Thread{InReplyTo: "lost@client", References: []string{"a1@mail", "lost@client"}}, first},
		{"subject ref", "SARA@example.com", channels.Thread{Subject: fmt.Sprintf("Re: [#%d] Broken printer", c.Ref)}, first},
		{"subject ref in Persian digits", "sara@example.com", channels.Thread{Subject: "پاسخ: [#" + crm.PersianDigits(fmt.Sprint(c.Ref)) + "]"}, first},
		{"subject ref of someone else", "mallory@example.com", channels.Thread{Subject: fmt.Sprintf("[#%d]", c.Ref)}, 0},
		{"unknown token", "sara@example.com", channels.Thread{ReplyToken: "nope", Subject: "New question"}, 0},
		{"no hints", "sara@example.com", channels.Thread{Subject: "Broken printer"}, 0},
		{"reply to other customer", "ali@example.com", channels.Thread{InReplyTo: "other@mail"}, other},
		{"someone else's Message-ID", "mallory@example.com", channels.Thread{InReplyTo: "a1@mail", References: []string{"a1@mail"}}, 0},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := fmt.Sprintf("case-%d@mail", i)
			e.ingest(t, mailFrom(e.mail, tc.from, id, tc.th))
			got := e.conversationOf(t, id)
			if tc.want == 0 && (got == first || got == other) {
				t.Fatalf("threaded into %d, want a new conversation", got)
			}
			if tc.want != 0 && got != tc.want {
				t.Fatalf("conversation %d, want %d", got, tc.want)
			}
		})
	}

	t.Run("reply in the same batch", func(t *testing.T) {
		e.ingest(t, mailFrom(e.mail, "new@example.com", "b1@mail", channels.Thread{Subject: "Hi"}),
			mailFrom(e.mail, "new@example.com", "b2@mail", channels.Thread{InReplyTo: "b1@mail"}))
		if a, b := e.conversationOf(t, "b1@mail"), e.conversationOf(t, "b2@mail"); a != b {
			t.Fatalf("conversations %d and %d, want one", a, b)
		}
	})

	t.Run("auto-reply opens nothing", func(t *testing.T) {
		if err := e.ib.SetStatus(ctx, 0, first, inbox.StatusResolved, time.Time{}); err != nil {
			t.Fatal(err)
		}
		auto := mailFrom(e.mail, "sara@example.com", "ooo@mail", channels.Thread{InReplyTo: "our-reply@peyk"})
		auto.AutoReply = true
		stray := mailFrom(e.mail, "mailer-daemon@example.com", "bounce@mail", channels.Thread{Subject: "Undeliverable"})
		stray.AutoReply = true
		e.ingest(t, auto, stray)
		if c, _ := e.ib.Conversation(ctx, first); c.Status != inbox.StatusResolved {
			t.Errorf("auto-reply reopened the conversation: %s", c.Status)
		}
		c, _ := e.ib.Conversation(ctx, e.conversationOf(t, "bounce@mail"))
		if c.Status != inbox.StatusResolved {
			t.Errorf("stray auto-reply opened a conversation: %s", c.Status)
		}
		// Its conversation starts resolved by the system, which is audited
		// (the reports' backlog reads the audited resolves).
		var at time.Time
		if _, err := kpi.NewRoller(e.pool).Roll(context.Background()); err != nil { // the KPI tables are rolled, not kept by triggers
			t.Fatal(err)
		}
		err := e.pool.QueryRow(ctx, `SELECT s.at FROM kpi_statuses s JOIN audit_events e ON e.id = s.id AND s.ord = 0
			WHERE s.conversation_id = $1 AND s.status = 'resolved' AND e.actor_id IS NULL`, c.ID).Scan(&at)
		if err != nil || c.ResolvedAt == nil || !at.Equal(*c.ResolvedAt) {
			t.Errorf("audited resolve at %s (%v), want one at %v", at, err, c.ResolvedAt)
		}
	})
}

func TestChatThreading(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.ingest(t, smsFrom(e.sms, "09121234567", "s1"))
	first := e.conversationOf(t, "s1")

	e.ingest(t, smsFrom(e.sms, "+989121234567", "s2"))
	if got := e.conversationOf(t, "s2"); got != first {
		t.Fatalf("second SMS in %d, want %d", got, first)
	}

	// Resolved recently: a new message reopens it.
	if err := e.ib.SetStatus(ctx, 0, first, inbox.StatusResolved, time.Time{}); err != nil {
		t.Fatal(err)
	}
	e.ingest(t, smsFrom(e.sms, "09121234567", "s3"))
	c, _ := e.ib.Conversation(ctx, first)
	if e.conversationOf(t, "s3") != first || c.Status != inbox.StatusOpen || c.ResolvedAt != nil {
		t.Fatalf("after reopen: %+v", c)
	}

	// Snoozed: a message wakes it.
	if err := e.ib.SetStatus(ctx, 0, first, inbox.StatusSnoozed, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	e.ingest(t, smsFrom(e.sms, "09121234567", "s4"))
	if c, _ := e.ib.Conversation(ctx, first); c.Status != inbox.StatusOpen || c.SnoozedUntil != nil {
		t.Fatalf("snoozed conversation not woken: %+v", c)
	}

	// Resolved long ago: a new conversation starts.
	if _, err := e.pool.Exec(ctx, `UPDATE conversations SET status = 'resolved', resolved_at = now() - interval '30 days'`); err != nil {
		t.Fatal(err)
	}
	e.ingest(t, smsFrom(e.sms, "09121234567", "s5"))
	if got := e.conversationOf(t, "s5"); got == first {
		t.Fatal("message after a long-resolved conversation reopened it")
	}

	// The same person on another channel gets a conversation there, under one contact.
	tg, err := e.ib.CreateChannel(ctx, channels.Telegram, "bot", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.ingest(t, channels.Inbound{ChannelID: tg, ExternalID: "t1", From: channels.Identity{Kind: channels.IdentityTelegram, Value: "555"},
		Also: []channels.Identity{{Kind: channels.IdentityPhone, Value: "+98 912 123 4567"}}, Text: "hi"})
	if n := e.count(t, `SELECT count(DISTINCT contact_id) FROM conversations`); n != 1 {
		t.Fatalf("contacts with conversations = %d, want 1", n)
	}
}

func TestOutboundReportedByChannel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.ingest(t, smsFrom(e.sms, "09121234567", "in-1"))
	out := smsFrom(e.sms, "09121234567", "out-1")
	out.Direction = channels.Out
	out.SentAt = time.Now().Add(time.Second)
	e.ingest(t, out)
	c, _ := e.ib.Conversation(ctx, e.conversationOf(t, "in-1"))
	if c.WaitingSince != nil || c.FirstResponseAt == nil {
		t.Fatalf("after our answer: waiting %v, first response %v", c.WaitingSince, c.FirstResponseAt)
	}
}

func TestMissedCallOpensAndAsksForCallBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	pbx, err := e.ib.CreateChannel(ctx, channels.Phone, "pbx", nil)
	if err != nil {
		t.Fatal(err)
	}
	call := func(ext, disposition string) channels.Inbound {
		return channels.Inbound{ChannelID: pbx, ExternalID: ext, Kind: channels.KindCall, Text: "call",
			From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567", Name: "Reza"},
			Call: &channels.Call{Disposition: disposition, Duration: 30 * time.Second}}
	}
	e.ingest(t, call("c1", "ANSWERED"))
	conv := e.conversationOf(t, "c1")
	if err := e.ib.SetStatus(ctx, 0, conv, inbox.StatusResolved, time.Time{}); err != nil {
		t.Fatal(err)
	}
	e.ingest(t, call("c2", "NO ANSWER"))
	c, _ := e.ib.Conversation(ctx, conv)
	if e.conversationOf(t, "c2") != conv || c.Status != inbox.StatusOpen {
		t.Fatalf("missed call: conversation %d status %s", e.conversationOf(t, "c2"), c.Status)
	}
	ss, err := e.ib.Schedules(ctx, conv, 0)
	if err != nil || len(ss) != 1 || ss[0].Kind != schedule.ScheduleReminder || !strings.Contains(string(ss[0].Payload), "Call back Reza") {
		t.Fatalf("schedules = %+v, %v; want one call-back reminder", ss, err)
	}
	e.ingest(t, call("c2", "NO ANSWER")) // a duplicate asks for nothing more
	if ss, _ := e.ib.Schedules(ctx, conv, 0); len(ss) != 1 {
		t.Fatalf("schedules after a duplicate = %d", len(ss))
	}
}
