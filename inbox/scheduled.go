package inbox

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox/schedule"
)

// scheduled is what schedules do to conversations (schedule.Conversations):
// their messages go through the reply path, their notes onto the
// timeline.
type scheduled struct {
	kinds *channels.Registry
}

var _ schedule.Conversations = scheduled{}

// Send queues a schedule's message on its conversation; an attribute
// message without one uses the contact's latest conversation on the
// channel, or starts one.
func (sc scheduled) Send(ctx context.Context, tx pgx.Tx, m schedule.Message) (int64, error) {
	conv := m.ConversationID
	if conv == 0 {
		err := tx.QueryRow(ctx, `SELECT id FROM conversations WHERE contact_id = $1 AND channel_id = $2
			ORDER BY id DESC LIMIT 1`, m.ContactID, m.ChannelID).Scan(&conv)
		if errors.Is(err, pgx.ErrNoRows) {
			err = tx.QueryRow(ctx, `INSERT INTO conversations (contact_id, channel_id, reply_token, status, team_id)
				VALUES ($1, $2, $3, 'pending', (SELECT team_id FROM channels WHERE id = $2)) RETURNING id`, m.ContactID, m.ChannelID, newToken()).Scan(&conv)
		}
		if err != nil {
			return 0, err
		}
	}
	text, _ := clean(m.Text, 1<<20)
	return addReply(ctx, tx, sc.kinds, Reply{ConversationID: conv, ChannelID: m.ChannelID, Text: text, Queue: m.Queue}, text, "")
}

// Note adds an event entry to a conversation's timeline that says text in
// English and, when say is not nil, as a key and arguments.
func (scheduled) Note(ctx context.Context, tx pgx.Tx, conv int64, text string, say *schedule.Text) error {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO messages (conversation_id, direction, kind, body, status, i18n)
		VALUES ($1, 'out', 'event', $2, 'sent', $3) RETURNING id`, conv, text, say).Scan(&id)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, NotifyChannel,
		event(Event{Type: "message.created", ConversationID: conv, MessageID: id}))
	return err
}

// Changed announces an update of the conversation.
func (scheduled) Changed(ctx context.Context, tx pgx.Tx, conv int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, NotifyChannel,
		event(Event{Type: "conversation.updated", ConversationID: conv}))
	return err
}

// Text is what a line the system writes for people says, as a catalogue
// key and arguments (schedule.Text).
type Text = schedule.Text

// The keys of Text (see schedule.TextReminder).
const (
	TextReminder          = schedule.TextReminder
	TextReminderCallback  = schedule.TextReminderCallback
	TextSnoozeEnded       = schedule.TextSnoozeEnded
	TextFollowupsResolved = schedule.TextFollowupsResolved
	TextSLABreach         = schedule.TextSLABreach
	TextSLAReassigned     = schedule.TextSLAReassigned
	TextSLANextBreach     = schedule.TextSLANextBreach
	TextSLANextReassigned = schedule.TextSLANextReassigned
)
