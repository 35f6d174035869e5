package inbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox"
)

func TestAgentActions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	var agent int64
	if err := e.pool.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('a@x', 'A', 'agent') RETURNING id`).
		Scan(&agent); err != nil {
		t.Fatal(err)
	}
	e.ingest(t, smsFrom(e.sms, "09121234567", "m1"))
	conv := e.conversationOf(t, "m1")

	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"assign", func() error { return e.ib.Assign(ctx, agent, conv, agent) }, nil},
		{"assign to nobody that exists", func() error { return e.ib.Assign(ctx, agent, conv, 999999) }, inbox.ErrInvalid},
		{"assign missing conversation", func() error { return e.ib.Assign(ctx, agent, 999999, agent) }, inbox.ErrNotFound},
		{"pending", func() error { return e.ib.SetStatus(ctx, agent, conv, inbox.StatusPending, time.Time{}) }, nil},
		{"bad status", func() error { return e.ib.SetStatus(ctx, agent, conv, "closed", time.Time{}) }, inbox.ErrInvalid},
		{"snooze in the past", func() error {
			return e.ib.SetStatus(ctx, agent, conv, inbox.StatusSnoozed, time.Now().Add(-time.Hour))
		}, inbox.ErrInvalid},
		{"priority", func() error { return e.ib.SetPriority(ctx, agent, conv, "urgent") }, nil},
		{"bad priority", func() error { return e.ib.SetPriority(ctx, agent, conv, "asap") }, inbox.ErrInvalid},
		{"tag", func() error { return e.ib.Tag(ctx, agent, conv, []string{" VIP ", "billing", "vip"}, nil) }, nil},
		{"untag", func() error { return e.ib.Tag(ctx, agent, conv, nil, []string{"billing"}) }, nil},
		{"note", func() error { _, err := e.ib.AddNote(ctx, agent, conv, "called, no answer"); return err }, nil},
		{"empty note", func() error { _, err := e.ib.AddNote(ctx, agent, conv, "  "); return err }, inbox.ErrInvalid},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			err := s.do()
			if (s.want == nil && err != nil) || (s.want != nil && !errors.Is(err, s.want)) {
				t.Fatalf("err = %v, want %v", err, s.want)
			}
		})
	}
	c, err := e.ib.Conversation(ctx, conv)
	if err != nil {
		t.Fatal(err)
	}
	if c.AssigneeID == nil || *c.AssigneeID != agent || c.Status != "pending" || c.Priority != "urgent" ||
		len(c.Tags) != 1 || c.Tags[0] != "vip" {
		t.Fatalf("conversation = %+v", c)
	}
	ms, err := e.ib.Messages(ctx, conv)
	if err != nil || len(ms) != 2 || ms[1].Kind != "note" || ms[1].Body != "called, no answer" {
		t.Fatalf("timeline = %+v, %v", ms, err)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_events WHERE subject_type = 'conversation'`); n != 5 {
		t.Fatalf("audit events = %d, want 5", n)
	}
}

func TestNotifyOnIngest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := e.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+inbox.NotifyChannel); err != nil {
		t.Fatal(err)
	}
	e.ingest(t, smsFrom(e.sms, "09121234567", "n1"))
	seen := map[string]bool{}
	for len(seen) < 1 {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			t.Fatalf("after %v: %v", seen, err)
		}
		var ev inbox.Event
		if err := json.Unmarshal([]byte(n.Payload), &ev); err != nil || ev.ConversationID == 0 {
			t.Fatalf("payload %q: %v", n.Payload, err)
		}
		seen[ev.Type] = true
	}
	if !seen["message.created"] {
		t.Errorf("no message.created event: %v", seen)
	}
}
