package web

import (
	"strings"
	"time"

	"github.com/peykhq/peyk/inbox"
)

// textMessages are the catalogue entries of the lines the system writes
// (inbox.Text): "text." and the key, taking the arguments in the order
// textArgs gives. They join messages at start.
var textMessages = map[string][2]string{
	"text.reminder":          {"یادآوری: %s", "Reminder: %s"},
	"text.reminder.callback": {"یادآوری: با %s تماس بگیرید (تماس بی\u200cپاسخ)", "Reminder: call back %s (missed call)"},
	"text.snooze.ended":      {"زمان تعویق تمام شد: گفتگو دوباره باز شد", "Snooze ended: conversation reopened"},
	"text.followup.resolved": {"پس از %s پیگیری پاسخی نیامد: گفتگو بسته شد", "No reply after %s follow-ups: resolved"},
	"text.sla.breach":        {"تعهد زمان پاسخ نقض شد: تا %s پاسخ اولی داده نشد", "SLA breached: no first response by %s"},
	"text.sla.breach.reassigned": {"تعهد زمان پاسخ نقض شد: تا %s پاسخ اولی داده نشد؛ به %s سپرده شد",
		"SLA breached: no first response by %s; reassigned to %s"},
	"text.sla.breach.next": {"تعهد زمان پاسخ نقض شد: تا %s پاسخ بعدی داده نشد", "SLA breached: no next response by %s"},
	"text.sla.breach.next.reassigned": {"تعهد زمان پاسخ نقض شد: تا %s پاسخ بعدی داده نشد؛ به %s سپرده شد",
		"SLA breached: no next response by %s; reassigned to %s"},
}

func init() {
	for k, m := range textMessages {
		messages[k] = m
	}
}

// textArgs names, for each key of inbox.Text, its arguments in the order
// the catalogue's "text." entry takes them.
var textArgs = map[string][]string{
	inbox.TextReminder:          {"text"},
	inbox.TextReminderCallback:  {"name"},
	inbox.TextSnoozeEnded:       {},
	inbox.TextFollowupsResolved: {"n"},
	inbox.TextSLABreach:         {"due_at"},
	inbox.TextSLAReassigned:     {"due_at", "name"},
	inbox.TextSLANextBreach:     {"due_at"},
	inbox.TextSLANextReassigned: {"due_at", "name"},
}

// say renders what a line the system wrote says in the reader's
// language: its catalogue key with its arguments, or body when it has no
// key (rows written before keys) or one this version does not know. arg,
// when not nil, writes each argument for the page (a time in its calendar,
// a count in its digits).
func (tr translator) say(text *inbox.Text, body string, arg func(name, value string) string) string {
	if text == nil {
		return body
	}
	names, ok := textArgs[text.Key]
	if _, known := messages["text."+text.Key]; !ok || !known {
		return body
	}
	args := make([]any, len(names))
	for i, n := range names {
		if v := text.Args[n]; arg != nil {
			args[i] = arg(n, v)
		} else {
			args[i] = v
		}
	}
	return tr.t("text."+text.Key, args...)
}

// sayArg writes argument name of a system line for a page: a time (a name
// ending in _at, RFC 3339) in the page's calendar and zone, a count (n) in
// its digits, anything else as it is.
func sayArg(name, v string, datetime func(any) (string, error), digits func(any) string) string {
	switch {
	case strings.HasSuffix(name, "_at"):
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return v
		}
		if s, err := datetime(t); err == nil && s != "" {
			return s
		}
	case name == "n":
		return digits(v)
	}
	return v
}
