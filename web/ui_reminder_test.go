package web_test

import (
	"context"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
)

// TestReminderInReaderLanguage: a fired reminder on the timeline is shown
// in the reader's language, from its key and arguments; one whose key is
// unknown shows its body (TestSay: so does one stored before keys).
func TestReminderInReaderLanguage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		locale   string
		want     []string
		unwanted []string
	}{
		{"fa", []string{"یادآوری: با Reza تماس بگیرید (تماس بی\u200cپاسخ)", "یادآوری: send the invoice", "Reminder: written before keys"},
			[]string{"Reminder: call back", "Call back Reza", "Reminder: send"}},
		{"en", []string{"Reminder: call back Reza (missed call)", "Reminder: send the invoice", "Reminder: written before keys"},
			[]string{"یادآوری"}},
	} {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, c.locale)
			ctx := context.Background()
			for _, p := range []schedule.Payload{
				{Text: "Call back Reza (missed call)", Reminder: &schedule.Text{Key: inbox.TextReminderCallback, Args: map[string]string{"name": "Reza"}}},
				{Text: "send the invoice"},
			} {
				s, err := e.ib.AddSchedule(ctx, schedule.NewSchedule{Kind: schedule.ScheduleReminder, DueAt: time.Now(),
					ConversationID: e.callConv, UserID: e.user.ID, Payload: p})
				if err != nil {
					t.Fatal(err)
				}
				if f, err := e.ib.Fire(ctx, s.ID, s.DueAt, ""); err != nil || !f.Fired {
					t.Fatalf("fire: %+v, %v", f, err)
				}
			}
			// A key this version does not know (written by a newer one):
			// its body.
			s, err := e.ib.AddSchedule(ctx, schedule.NewSchedule{Kind: schedule.ScheduleReminder, DueAt: time.Now(),
				ConversationID: e.callConv, UserID: e.user.ID, Payload: schedule.Payload{Text: "written before keys",
					Reminder: &schedule.Text{Key: "reminder.unknown"}}})
			if err != nil {
				t.Fatal(err)
			}
			if f, err := e.ib.Fire(ctx, s.ID, s.DueAt, ""); err != nil || !f.Fired {
				t.Fatalf("fire: %+v, %v", f, err)
			}
			resp, body := e.get(fmt.Sprintf("/conversations/%d", e.callConv))
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			body = html.UnescapeString(body)
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, u := range c.unwanted {
				if strings.Contains(body, u) {
					t.Errorf("page shows %q", u)
				}
			}
		})
	}
}
