package workers_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/workers"
)

func (f fixture) schedule(t *testing.T, ns schedule.NewSchedule, enqueue bool) schedule.Schedule {
	t.Helper()
	s, err := f.ib.AddSchedule(context.Background(), ns)
	if err != nil {
		t.Fatal(err)
	}
	if enqueue {
		if err := workers.EnqueueSchedule(context.Background(), f.client, s); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// waitSchedule waits until schedule id reaches state.
func (f fixture) waitSchedule(t *testing.T, id int64, state string) schedule.Schedule {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := f.ib.GetSchedule(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if s.State == state {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("schedule %d: state %s after 15s, want %s", id, s.State, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (f fixture) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReminderFiresOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	agent := f.agent(t, "sara@peyk.ir")
	due := time.Now().Add(2 * time.Second)
	s := f.schedule(t, schedule.NewSchedule{Kind: schedule.ScheduleReminder, DueAt: due, ConversationID: f.conv,
		UserID: agent, Payload: schedule.Payload{Text: "call back"}}, true)
	// Enqueued again by a second API call: still once.
	if err := workers.EnqueueSchedule(context.Background(), f.client, s); err != nil {
		t.Fatal(err)
	}
	f.start(t)
	f.start(t) // two worker processes
	fired := f.waitSchedule(t, s.ID, "done")
	if fired.FiredAt.Before(due.Add(-10 * time.Millisecond)) {
		t.Fatalf("fired at %v, before it was due (%v)", fired.FiredAt, due)
	}
	time.Sleep(1500 * time.Millisecond)
	if n := f.count(t, `SELECT count(*) FROM notifications WHERE user_id = $1 AND body = 'Reminder: call back'`, agent); n != 1 {
		t.Fatalf("notifications = %d, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE kind = 'event' AND conversation_id = $1`, f.conv); n != 1 {
		t.Fatalf("timeline events = %d, want 1", n)
	}
}

func TestReminderSurvivesRedisLoss(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.schedule(t, schedule.NewSchedule{Kind: schedule.ScheduleReminder, DueAt: time.Now().Add(2 * time.Second),
		ConversationID: f.conv, Payload: schedule.Payload{Text: "lost"}}, true)
	rdb := redis.NewClient(&redis.Options{Addr: f.redis.Addr, DB: f.redis.DB})
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	rdb.Close()
	f.start(t)
	f.waitSchedule(t, s.ID, "done")
}

func TestScheduledMessageAndCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.start(t)
	ctx := context.Background()
	send := f.schedule(t, schedule.NewSchedule{Kind: schedule.ScheduleMessage, DueAt: time.Now().Add(time.Second),
		ConversationID: f.conv, Payload: schedule.Payload{Text: "your order ships today"}}, true)
	cancelled := f.schedule(t, schedule.NewSchedule{Kind: schedule.ScheduleMessage, DueAt: time.Now().Add(time.Second),
		ConversationID: f.conv, Payload: schedule.Payload{Text: "never"}}, true)
	if err := f.ib.CancelSchedule(ctx, cancelled.ID); err != nil {
		t.Fatal(err)
	}
	moved := f.schedule(t, schedule.NewSchedule{Kind: schedule.ScheduleMessage, DueAt: time.Now().Add(time.Hour),
		ConversationID: f.conv, Payload: schedule.Payload{Text: "moved up"}}, true)
	moved, err := f.ib.Reschedule(ctx, moved.ID, time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := workers.EnqueueSchedule(ctx, f.client, moved); err != nil {
		t.Fatal(err)
	}
	f.waitSchedule(t, send.ID, "done")
	f.waitSchedule(t, moved.ID, "done")
	deadline := time.Now().Add(10 * time.Second)
	for f.count(t, `SELECT count(*) FROM messages WHERE direction = 'out' AND status = 'sent'`) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("scheduled messages not sent")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s, _ := f.ib.GetSchedule(ctx, cancelled.ID); s.State != "cancelled" {
		t.Fatalf("cancelled schedule is %s", s.State)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE body = 'never'`); n != 0 {
		t.Fatal("a cancelled message was sent")
	}
}

func TestFollowUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.start(t)
	ctx := context.Background()
	follow := schedule.NewSchedule{Kind: schedule.ScheduleFollowup, DueAt: time.Now().Add(time.Second), ConversationID: f.conv,
		Payload: schedule.Payload{Text: "any news?", Interval: time.Second, Nudges: 1, Step: 1}}

	t.Run("no reply: nudge, then resolve", func(t *testing.T) {
		s := f.schedule(t, follow, true)
		f.waitSchedule(t, s.ID, "done")
		deadline := time.Now().Add(15 * time.Second)
		for {
			c, _ := f.ib.Conversation(ctx, f.conv)
			if c.Status == inbox.StatusResolved {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("conversation %s, want resolved after the last nudge", c.Status)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if n := f.count(t, `SELECT count(*) FROM messages WHERE body = 'any news?'`); n != 1 {
			t.Fatalf("nudges sent = %d, want 1", n)
		}
		// The system's resolve is audited and so reaches the reports.
		if _, err := kpi.NewRoller(f.pool).Roll(context.Background()); err != nil { // the KPI tables are rolled, not kept by triggers
			t.Fatal(err)
		}
		n := f.count(t, `SELECT count(*) FROM kpi_statuses s JOIN audit_events e ON e.id = s.id AND s.ord = 0
			WHERE e.subject_id = $1 AND e.action = 'conversation.status' AND e.actor_id IS NULL
				AND s.status = 'resolved' AND s.actor_id IS NULL`, f.conv)
		if n != 1 {
			t.Fatalf("audited resolves = %d, want 1", n)
		}
		// The timeline says so as a key the page renders in fa or en.
		if n := f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND kind = 'event'
			AND i18n->>'key' = 'followup.resolved' AND i18n->'args'->>'n' = '1'`, f.conv); n != 1 {
			t.Fatalf("follow-up resolve entries with their key = %d, want 1", n)
		}
	})

	t.Run("the customer replies: cancelled", func(t *testing.T) {
		follow.DueAt = time.Now().Add(2 * time.Second)
		s := f.schedule(t, follow, true)
		err := f.ib.Ingest(ctx, []channels.Inbound{{ChannelID: f.channel, ExternalID: "in-2", Text: "here I am",
			From: channels.Identity{Kind: channels.IdentityPhone, Value: "+989121234567"}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.waitSchedule(t, s.ID, "cancelled"); got.FiredAt != nil {
			t.Fatal("a cancelled follow-up fired")
		}
	})
}

func TestSnoozeWakes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.start(t)
	ctx := context.Background()
	if err := f.ib.SetStatus(ctx, 0, f.conv, inbox.StatusSnoozed, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	ss, err := f.ib.Schedules(ctx, f.conv, 0)
	if err != nil || len(ss) != 1 || ss[0].Kind != schedule.ScheduleWake {
		t.Fatalf("schedules = %+v, %v", ss, err)
	}
	// The reconciler finds the wake-up (nobody enqueued it).
	f.waitSchedule(t, ss[0].ID, "done")
	if c, _ := f.ib.Conversation(ctx, f.conv); c.Status != inbox.StatusOpen {
		t.Fatalf("status %s after the snooze, want open", c.Status)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND kind = 'event'
		AND i18n->>'key' = 'snooze.ended'`, f.conv); n != 1 {
		t.Fatalf("snooze-ended entries with their key = %d, want 1", n)
	}
}
