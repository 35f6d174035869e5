package schedule_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/schedule"
)

// record is a schedule.Conversations that writes down what the book asks
// of the conversations; the schedules themselves live in the real
// database.
type record struct {
	mu      sync.Mutex
	sent    []schedule.Message
	notes   []string
	changed []int64
}

func (r *record) Send(_ context.Context, _ pgx.Tx, m schedule.Message) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return int64(len(r.sent)), nil
}

func (r *record) Note(_ context.Context, _ pgx.Tx, _ int64, text string, _ *schedule.Text) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, text)
	return nil
}

func (r *record) Changed(_ context.Context, _ pgx.Tx, conv int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changed = append(r.changed, conv)
	return nil
}

// TestFireThroughConversations: the schedule book stands on its own with
// the database and its Conversations contract: firing a schedule asks
// the conversations for the message or the timeline entry it means,
// exactly once.
func TestFireThroughConversations(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	var channel, contact, conv int64
	err := pool.QueryRow(ctx, `WITH ch AS (INSERT INTO channels (kind, name) VALUES ('sms', 'sms') RETURNING id),
			ct AS (INSERT INTO contacts (name) VALUES ('Sara') RETURNING id),
			cv AS (INSERT INTO conversations (contact_id, channel_id, reply_token)
				SELECT ct.id, ch.id, 'tok-book' FROM ct, ch RETURNING id)
		SELECT (SELECT id FROM ch), (SELECT id FROM ct), (SELECT id FROM cv)`).Scan(&channel, &contact, &conv)
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(-time.Minute).Truncate(time.Microsecond)
	for _, tc := range []struct {
		name      string
		ns        schedule.NewSchedule
		text      string
		wantSent  *schedule.Message
		wantNotes []string
	}{
		{
			name:      "reminder notes the timeline",
			ns:        schedule.NewSchedule{Kind: schedule.ScheduleReminder, ConversationID: conv, Payload: schedule.Payload{Text: "call back"}},
			wantNotes: []string{"Reminder: call back"},
		},
		{
			name:     "message goes to its conversation",
			ns:       schedule.NewSchedule{Kind: schedule.ScheduleMessage, ConversationID: conv, Payload: schedule.Payload{Text: "hello"}},
			wantSent: &schedule.Message{ConversationID: conv, ContactID: contact, Text: "hello", Queue: "default"},
		},
		{
			name: "rendered attribute message goes to the contact on the bulk queue",
			ns: schedule.NewSchedule{Kind: schedule.ScheduleAttribute, ContactID: contact,
				Payload: schedule.Payload{Template: "warranty", ChannelID: channel}},
			text:     "your warranty ends soon",
			wantSent: &schedule.Message{ContactID: contact, ChannelID: channel, Text: "your warranty ends soon", Queue: "bulk"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &record{}
			bk := schedule.New(pool, rec)
			tc.ns.DueAt = due
			s, err := bk.AddSchedule(ctx, tc.ns)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				f, err := bk.Fire(ctx, s.ID, due, tc.text)
				if err != nil {
					t.Fatal(err)
				}
				if f.Fired != (i == 0) {
					t.Fatalf("firing %d: fired %v", i+1, f.Fired)
				}
			}
			if tc.wantSent != nil && (len(rec.sent) != 1 || rec.sent[0] != *tc.wantSent) {
				t.Fatalf("sent %+v, want %+v", rec.sent, *tc.wantSent)
			}
			if tc.wantSent == nil && len(rec.sent) != 0 {
				t.Fatalf("sent %+v, want nothing", rec.sent)
			}
			if len(rec.notes) != len(tc.wantNotes) || (len(tc.wantNotes) > 0 && rec.notes[0] != tc.wantNotes[0]) {
				t.Fatalf("notes %q, want %q", rec.notes, tc.wantNotes)
			}
			if got, err := bk.GetSchedule(ctx, s.ID); err != nil || got.State != "done" {
				t.Fatalf("schedule %+v, %v; want done", got, err)
			}
		})
	}
	t.Run("unknown schedule", func(t *testing.T) {
		if _, err := schedule.New(pool, &record{}).GetSchedule(ctx, 999999); !errors.Is(err, schedule.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
}
