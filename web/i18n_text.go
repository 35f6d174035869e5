package web

import "github.com/peykhq/peyk/inbox"

// textMessages are the catalogue entries of the lines the system writes
// (inbox.Text): "text." and the key, taking the arguments in the order
// textArgs gives. They join messages at start.
var textMessages = map[string][2]string{
	"text.reminder":          {"یادآوری: %s", "Reminder: %s"},
	"text.reminder.callback": {"یادآوری: با %s تماس بگیرید (تماس بی\u200cپاسخ)", "Reminder: call back %s (missed call)"},
}

func init() {
	for k, m := range textMessages {
		messages[k] = m
	}
}

// textArgs names, for each key of inbox.Text, its arguments in the order
// the catalogue's "text." entry takes them.
var textArgs = map[string][]string{
	inbox.TextReminder:         {"text"},
	inbox.TextReminderCallback: {"name"},
}

// say renders what a line the system wrote says in the reader's
// language: its catalogue key with its arguments, or body when it has no
// key (rows written before keys) or one this version does not know.
func (tr translator) say(text *inbox.Text, body string) string {
	if text == nil {
		return body
	}
	names, ok := textArgs[text.Key]
	if _, known := messages["text."+text.Key]; !ok || !known {
		return body
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = text.Args[n]
	}
	return tr.t("text."+text.Key, args...)
}
