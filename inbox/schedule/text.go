package schedule

// Text is what a line the system writes for people says, as a key of the
// agent UI's catalogue and its named arguments, so that each reader sees
// it in their own language (package web renders the keys in fa and en).
// It is stored next to the line's English body (messages.i18n,
// notifications.i18n); rows written before keys have none and show their
// body.
type Text struct {
	Key  string            `json:"key"`
	Args map[string]string `json:"args,omitempty"`
}

// The keys of Text.
const (
	// TextReminder is a fired reminder; args: text, its note as the
	// agent wrote it.
	TextReminder = "reminder"
	// TextReminderCallback is a fired call-back reminder; args: name, the
	// customer's name, else their number.
	TextReminderCallback = "reminder.callback"
	// TextSnoozeEnded is a snooze that ran out and reopened its
	// conversation; no args.
	TextSnoozeEnded = "snooze.ended"
	// TextFollowupsResolved is a follow-up that ran out of nudges and
	// resolved its conversation; args: n, the number of nudges.
	TextFollowupsResolved = "followup.resolved"
	// TextSLABreach is a first response that missed its SLA; args: due_at
	// (RFC 3339).
	TextSLABreach = "sla.breach"
	// TextSLAReassigned is TextSLABreach with the conversation handed on;
	// args: due_at (RFC 3339) and name, the new assignee's.
	TextSLAReassigned = "sla.breach.reassigned"
	// TextSLANextBreach is a next response (to a customer who wrote again
	// after an answer) that missed its SLA; args: due_at (RFC 3339).
	TextSLANextBreach = "sla.breach.next"
	// TextSLANextReassigned is TextSLANextBreach with the conversation
	// handed on; args: due_at and name.
	TextSLANextReassigned = "sla.breach.next.reassigned"
)

// reminderText is what a fired reminder with payload p says: the
// call-back key its payload carries, else the reminder's note (call backs
// stored before keys say their English text as a note).
func reminderText(p Payload) Text {
	if p.Reminder != nil && p.Reminder.Key != "" {
		return *p.Reminder
	}
	return Text{Key: TextReminder, Args: map[string]string{"text": p.Text}}
}
