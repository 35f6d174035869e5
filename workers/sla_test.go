package workers_test

import (
	"context"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox/schedule"
)

// TestSLABreachReassigns: a conversation nobody answered in time moves from
// its absent agent to the next available one.
func TestSLABreachReassigns(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	absent, next := f.agent(t, "absent@peyk.ir"), f.agent(t, "next@peyk.ir")
	if _, err := f.pool.Exec(ctx, `UPDATE users SET available = false WHERE id = $1`, absent); err != nil {
		t.Fatal(err)
	}
	if err := f.ib.Assign(ctx, 0, f.conv, absent); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{FirstResponse: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(ctx, `UPDATE conversations SET waiting_since = now() - interval '2 minutes'`); err != nil {
		t.Fatal(err)
	}
	f.start(t)
	f.start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, _ := f.ib.Conversation(ctx, f.conv)
		if c.AssigneeID != nil && *c.AssigneeID == next {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("assignee %v after 10s, want %d", c.AssigneeID, next)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	if n := f.count(t, `SELECT count(*) FROM sla_breaches`); n != 1 {
		t.Fatalf("breaches = %d, want 1 (two workers checked)", n)
	}
}
