package web

import (
	"strings"
	"testing"
	"time"

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
		{"snooze ended", &inbox.Text{Key: inbox.TextSnoozeEnded},
			"زمان تعویق تمام شد: گفتگو دوباره باز شد", "Snooze ended: conversation reopened"},
		{"follow-ups ran out", &inbox.Text{Key: inbox.TextFollowupsResolved, Args: map[string]string{"n": "3"}},
			"پس از 3 پیگیری پاسخی نیامد: گفتگو بسته شد", "No reply after 3 follow-ups: resolved"},
		{"stored before keys", nil, "the body", "the body"},
		{"unknown key", &inbox.Text{Key: "reminder.later"}, "the body", "the body"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := (translator{fa: true}).say(c.text, "the body", nil); got != c.fa {
				t.Errorf("fa: %q, want %q", got, c.fa)
			}
			if got := (translator{}).say(c.text, "the body", nil); got != c.en {
				t.Errorf("en: %q, want %q", got, c.en)
			}
		})
	}
}

// TestSayArgs: on a page, a system line's time is written in the page's
// calendar and zone, and its count in the page's digits.
func TestSayArgs(t *testing.T) {
	text := &inbox.Text{Key: inbox.TextSLAReassigned, Args: map[string]string{"due_at": "2026-03-21T06:30:00Z", "name": "Sara"}}
	for _, c := range []struct {
		locale, want string
	}{
		{"fa", "تعهد زمان پاسخ نقض شد: تا ۱۴۰۵/۰۱/۰۱ ۱۰:۰۰ پاسخ اولی داده نشد؛ به Sara سپرده شد"},
		{"en", "SLA breached: no first response by 2026-03-21 10:00; reassigned to Sara"},
	} {
		t.Run(c.locale, func(t *testing.T) {
			say := uiFuncs(c.locale, time.FixedZone("Tehran", 12600), nil)["say"].(func(*inbox.Text, string) string)
			if got := say(text, "the body"); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			n := say(&inbox.Text{Key: inbox.TextFollowupsResolved, Args: map[string]string{"n": "2"}}, "")
			if c.locale == "fa" && !strings.Contains(n, "۲") {
				t.Errorf("count not in Persian digits: %q", n)
			}
		})
	}
}
