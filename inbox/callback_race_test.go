package inbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox/schedule"
)

// TestCallbackRace: a missed call and the call that returns it, stored by
// two transactions at once, leave no call back open. A trigger of the
// test's own schema holds each transaction after it wrote its call (on
// two PBX channels, so in two conversations that lock nothing in common), so
// that both have written before either looks at the call backs: without
// a lock between them, neither would see the other's call. The missed
// and answered calls go through IngestBulk, which takes no contact lock
// for a contact with a conversation to file them in (the case that left a
// call back open), or one of them through Ingest.
func TestCallbackRace(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		bulkBoth bool
		liveMiss bool
	}{
		{name: "bulk and live"},
		{name: "bulk and bulk", bulkBoth: true},
		{name: "live and bulk", liveMiss: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newPhoneEnv(t)
			ctx := context.Background()
			now := time.Now().UTC().Truncate(time.Second)
			const number = "09121234567"
			// A second PBX: the two calls land in two conversations, which
			// lock nothing in common but the customer's call backs.
			phone2, err := e.ib.CreateChannel(ctx, channels.Phone, "pbx 2", nil)
			if err != nil {
				t.Fatal(err)
			}
			// Earlier answered calls: the customer has a conversation on each.
			if err := e.ib.Ingest(ctx, []channels.Inbound{call(e.phone, "c0", number, "Reza", channels.In, "ANSWERED", now.Add(-time.Hour)),
				call(phone2, "d0", number, "Reza", channels.In, "ANSWERED", now.Add(-time.Hour))}); err != nil {
				t.Fatal(err)
			}
			e.exec(t, `CREATE FUNCTION hold_calls() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN PERFORM pg_sleep(1); RETURN NULL; END $$`)
			e.exec(t, `CREATE TRIGGER hold_calls AFTER INSERT ON messages FOR EACH STATEMENT EXECUTE FUNCTION hold_calls()`)

			missed := call(e.phone, "c1", number, "Reza", channels.In, "NO ANSWER", now.Add(-2*time.Minute))
			answered := call(phone2, "d1", number, "Reza", channels.Out, "ANSWERED", now.Add(-time.Minute))
			var wg sync.WaitGroup
			for i, in := range []channels.Inbound{missed, answered} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var err error
					if live := c.liveMiss == (i == 0); live && !c.bulkBoth {
						err = e.ib.Ingest(ctx, []channels.Inbound{in})
					} else {
						_, err = e.ib.IngestBulk(ctx, []channels.Inbound{in}, nil)
					}
					if err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if n := e.count(t, `SELECT count(*) FROM messages WHERE kind = 'call'`); n != 4 {
				t.Fatalf("%d calls stored, want 4", n)
			}
			open := e.count(t, `SELECT count(*) FROM schedules WHERE kind = 'reminder' AND dedupe IS NOT NULL`)
			pending := e.count(t, `SELECT count(*) FROM schedules WHERE kind = 'reminder' AND state = 'pending'`)
			if open != 0 || pending != 0 {
				rows, _ := e.pool.Query(ctx, `SELECT state || ' ' || payload::text FROM schedules`)
				for rows.Next() {
					var s string
					_ = rows.Scan(&s)
					t.Log(s)
				}
				t.Errorf("%d call backs open, %d pending, after the missed call was returned; want none", open, pending)
			}
		})
	}
}

// TestCallbackReminderText: a fired call-back reminder says what it is as
// a key and arguments on the timeline and in the notification, next to
// its English body; a plain reminder says its note; a call back stored
// before keys (text only) still fires with its text as the note.
func TestCallbackReminderText(t *testing.T) {
	t.Parallel()
	e := newPhoneEnv(t)
	ctx := context.Background()
	now := time.Now().UTC()
	e.exec(t, `UPDATE users SET role = 'admin' WHERE id = $1`, e.agent) // told of call backs
	if err := e.ib.Ingest(ctx, []channels.Inbound{call(e.phone, "m1", "09121234567", "Reza", channels.In, "NO ANSWER", now.Add(-time.Minute))}); err != nil {
		t.Fatal(err)
	}
	var conv, contact int64
	if err := e.pool.QueryRow(ctx, `SELECT id, contact_id FROM conversations`).Scan(&conv, &contact); err != nil {
		t.Fatal(err)
	}
	note, err := e.ib.AddSchedule(ctx, schedule.NewSchedule{Kind: schedule.ScheduleReminder, DueAt: now, ConversationID: conv,
		UserID: e.agent, Payload: schedule.Payload{Text: "send the invoice"}})
	if err != nil {
		t.Fatal(err)
	}
	old, err := e.ib.AddSchedule(ctx, schedule.NewSchedule{Kind: schedule.ScheduleReminder, DueAt: now, ConversationID: conv,
		UserID: e.agent, Payload: schedule.Payload{Text: "Call back Old (missed call)"}})
	if err != nil {
		t.Fatal(err)
	}
	var cb schedule.Schedule
	rows, _ := e.pool.Query(ctx, `SELECT id, due_at FROM schedules WHERE dedupe IS NOT NULL`)
	for rows.Next() {
		if err := rows.Scan(&cb.ID, &cb.DueAt); err != nil {
			t.Fatal(err)
		}
	}
	if rows.Err() != nil || cb.ID == 0 {
		t.Fatalf("no call back opened (%v)", rows.Err())
	}
	for _, s := range []schedule.Schedule{cb, note, old} {
		if f, err := e.ib.Fire(ctx, s.ID, s.DueAt, ""); err != nil || !f.Fired {
			t.Fatalf("fire %d: %+v, %v", s.ID, f, err)
		}
	}
	view, err := e.ib.ConversationView(ctx, conv, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range view.Messages {
		if m.Kind != "event" {
			continue
		}
		say, _ := json.Marshal(m.I18n)
		got = append(got, fmt.Sprintf("%s|%s", m.Body, say))
	}
	want := []string{
		`Reminder: Call back Reza (missed call)|{"key":"reminder.callback","args":{"name":"Reza"}}`,
		`Reminder: send the invoice|{"key":"reminder","args":{"text":"send the invoice"}}`,
		`Reminder: Call back Old (missed call)|{"key":"reminder","args":{"text":"Call back Old (missed call)"}}`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("timeline events\n%q\nwant\n%q", got, want)
	}
	if n := e.count(t, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'reminder'
		AND i18n = '{"key": "reminder.callback", "args": {"name": "Reza"}}'`, e.agent); n != 1 {
		t.Errorf("%d call-back notifications with the key, want 1", n)
	}
}

// TestCallbackLockApartFromOwner: a call back's lock is not the lock of
// the process that owns the channel with the customer's id as its id
// (Own's session lock): storing the customer's missed call does not wait
// for that process to give the channel up.
func TestCallbackLockApartFromOwner(t *testing.T) {
	t.Parallel()
	e := newPhoneEnv(t)
	ctx := context.Background()
	now := time.Now().UTC()
	if err := e.ib.Ingest(ctx, []channels.Inbound{call(e.phone, "a1", "09121234567", "Reza", channels.In, "ANSWERED", now.Add(-time.Hour))}); err != nil {
		t.Fatal(err)
	}
	var contact int64
	if err := e.pool.QueryRow(ctx, `SELECT contact_id FROM conversations`).Scan(&contact); err != nil {
		t.Fatal(err)
	}
	octx, stop := context.WithCancel(ctx)
	owned, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- e.ib.Own(octx, contact, time.Hour, func(ctx context.Context) error {
			close(owned)
			<-ctx.Done()
			return nil
		})
	}()
	defer func() { stop(); <-done }()
	<-owned
	ictx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := e.ib.Ingest(ictx, []channels.Inbound{call(e.phone, "m1", "09121234567", "Reza", channels.In, "NO ANSWER", now.Add(-time.Minute))}); err != nil {
		t.Fatalf("missed call while channel %d is owned: %v", contact, err)
	}
}
