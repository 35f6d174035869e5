package web

import (
	"testing"

	"github.com/peykhq/peyk/inbox"
)

// TestSay renders the lines the system writes in each language, and
// falls back to the stored body for rows without a key or with one this
// version does not know.
func TestSay(t *testing.T) {
	for _, c := range []struct {
		name   string
		text   *inbox.Text
		fa, en string
	}{
		{"call back", &inbox.Text{Key: inbox.TextReminderCallback, Args: map[string]string{"name": "رضا"}},
			"یادآوری: با رضا تماس بگیرید (تماس بی\u200cپاسخ)", "Reminder: call back رضا (missed call)"},
		{"note", &inbox.Text{Key: inbox.TextReminder, Args: map[string]string{"text": "100% done"}},
			"یادآوری: 100% done", "Reminder: 100% done"},
		{"stored before keys", nil, "the body", "the body"},
		{"unknown key", &inbox.Text{Key: "reminder.later"}, "the body", "the body"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := (translator{fa: true}).say(c.text, "the body"); got != c.fa {
				t.Errorf("fa: %q, want %q", got, c.fa)
			}
			if got := (translator{}).say(c.text, "the body"); got != c.en {
				t.Errorf("en: %q, want %q", got, c.en)
			}
		})
	}
}
