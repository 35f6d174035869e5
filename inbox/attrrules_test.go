package inbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
)

func TestAttributeMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	contacts := crm.NewStore(e.pool)
	teh, _ := time.LoadLocation("Asia/Tehran")
	now := time.Date(2026, 6, 1, 7, 0, 0, 0, teh)
	values := map[string]any{
		"09121110001": "2026-06-04", // due 2026-06-01 10:00: planned
		"09121110002": "2026-07-30", // too far ahead
		"09121110003": "2026-05-01", // long past
		"09121110004": "someday",    // not a date
	}
	for phone, v := range values {
		id, err := contacts.Resolve(ctx, channels.Identity{Kind: channels.IdentityPhone, Value: phone})
		if err != nil {
			t.Fatal(err)
		}
		if err := contacts.SetAttributes(ctx, id, map[string]any{"warranty_end": v}); err != nil {
			t.Fatal(err)
		}
	}
	rule := schedule.AttributeRule{Attribute: "warranty_end", DaysBefore: 3, ChannelID: e.sms, Text: "Your warranty ends soon"}
	if _, err := e.ib.AddAttributeRule(ctx, rule); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []schedule.AttributeRule{{ChannelID: e.sms, Text: "x"}, {Attribute: "a", ChannelID: e.sms},
		{Attribute: "a", ChannelID: e.sms, Text: "x", AtTime: "25:99"}, {Attribute: "a", ChannelID: 9999, Text: "x"}} {
		if _, err := e.ib.AddAttributeRule(ctx, bad); !errors.Is(err, inbox.ErrInvalid) {
			t.Errorf("rule %+v: err = %v", bad, err)
		}
	}
	for round, want := range []int{1, 0} { // the second run plans nothing new
		n, err := e.ib.PlanAttributeMessages(ctx, now)
		if err != nil || n != want {
			t.Fatalf("round %d: planned %d, %v; want %d", round, n, err, want)
		}
	}
	ss, err := e.ib.DueSchedules(ctx, now.Add(48*time.Hour), 10)
	if err != nil || len(ss) != 1 {
		t.Fatalf("schedules = %v, %v", ss, err)
	}
	if want := time.Date(2026, 6, 1, 10, 0, 0, 0, teh); !ss[0].DueAt.Equal(want) {
		t.Fatalf("due %v, want %v", ss[0].DueAt, want)
	}
	f, err := e.ib.Fire(ctx, ss[0].ID, ss[0].DueAt, "")
	if err != nil || !f.Fired || f.MessageID == 0 {
		t.Fatalf("fire: %+v, %v", f, err)
	}
	d, err := e.ib.Delivery(ctx, f.MessageID)
	if err != nil || d.Message.To.Value != "+989121110001" || d.Message.Text != "Your warranty ends soon" {
		t.Fatalf("delivery %+v, %v", d, err)
	}
	if again, _ := e.ib.Fire(ctx, ss[0].ID, ss[0].DueAt, ""); again.Fired {
		t.Fatal("fired twice")
	}
}
