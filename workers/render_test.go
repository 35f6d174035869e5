package workers_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/workers"
)

func TestScheduledTemplate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	contacts := crm.NewStore(f.pool)
	c, _ := f.ib.Conversation(ctx, f.conv)
	if err := contacts.SetName(ctx, c.ContactID, "سارا احمدی"); err != nil {
		t.Fatal(err)
	}
	r := &workers.TemplateRenderer{Templates: templates.NewStore(f.pool), Contacts: contacts, Inbox: f.ib, Company: "پیک"}
	srv := workers.NewServer(f.redis, workers.Config{}, f.ib, f.sender, r, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	s := f.schedule(t, schedule.NewSchedule{Kind: schedule.ScheduleFollowup, DueAt: time.Now().Add(time.Second), ConversationID: f.conv,
		Payload: schedule.Payload{Template: "followup.nudge", Interval: time.Hour, Nudges: 2, Step: 1}}, true)
	f.waitSchedule(t, s.ID, "done")
	var body string
	deadline := time.Now().Add(10 * time.Second)
	for body == "" && time.Now().Before(deadline) {
		_ = f.pool.QueryRow(ctx, `SELECT body FROM messages WHERE direction = 'out' AND kind = 'text' LIMIT 1`).Scan(&body)
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(body, "سارا") || !strings.Contains(body, "پیک") {
		t.Fatalf("rendered nudge = %q", body)
	}
	ss, _ := f.ib.Schedules(ctx, f.conv, 0)
	if len(ss) != 2 || ss[1].State != "pending" {
		t.Fatalf("the second nudge is not scheduled: %+v", ss)
	}
}
