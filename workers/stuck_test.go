package workers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/workers"
)

// TestScheduleFailsVisibly: a scheduled message whose channel stays
// disabled through every retry ends failed, with the reason, not pending
// for ever; rescheduled once the channel is back, it is sent.
func TestScheduleFailsVisibly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.pool.Exec(ctx, `UPDATE channels SET enabled = false WHERE id = $1`, f.channel); err != nil {
		t.Fatal(err)
	}
	s := f.schedule(t, schedule.NewSchedule{Kind: schedule.ScheduleMessage, DueAt: time.Now().Add(time.Second),
		ConversationID: f.conv, Payload: schedule.Payload{Text: "your order ships"}}, true)
	f.start(t) // backoff 200 ms: every retry within a few seconds
	deadline := time.Now().Add(30 * time.Second)
	got := f.waitScheduleUntil(t, s.ID, "failed", deadline)
	if !strings.Contains(got.Error, "channel") {
		t.Fatalf("failed schedule says %q", got.Error)
	}
	if _, err := f.pool.Exec(ctx, `UPDATE channels SET enabled = true WHERE id = $1`, f.channel); err != nil {
		t.Fatal(err)
	}
	again, err := f.ib.Reschedule(ctx, s.ID, time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := workers.EnqueueSchedule(ctx, f.client, again); err != nil {
		t.Fatal(err)
	}
	f.waitSchedule(t, s.ID, "done")
}

func (f fixture) waitScheduleUntil(t *testing.T, id int64, state string, deadline time.Time) schedule.Schedule {
	t.Helper()
	for {
		s, err := f.ib.GetSchedule(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if s.State == state {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("schedule %d: state %s (error %q), want %s", id, s.State, s.Error, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
