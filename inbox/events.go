package inbox

import (
	"encoding/json"

	"github.com/jackc/pgx/v5"
)

// Event is the JSON payload of a NOTIFY on NotifyChannel.
type Event struct {
	// Type is message.created (a message was stored: the conversation
	// changed too), message.updated (a delivery report or an edit),
	// conversation.updated (an agent action) or messages.imported (more
	// than 500 messages in one transaction: reload).
	Type           string `json:"type"`
	ConversationID int64  `json:"conversation_id"`
	MessageID      int64  `json:"message_id,omitempty"`
	ContactID      int64  `json:"contact_id,omitempty"`
	ChannelID      int64  `json:"channel_id,omitempty"`
	// NewConversation reports whether the message opened the conversation.
	NewConversation bool `json:"new_conversation,omitempty"`
}

// event returns e as a NOTIFY payload.
func event(e Event) string {
	js, _ := json.Marshal(e)
	return string(js)
}

// queueNotify queues one NOTIFY per payload; PostgreSQL delivers them on
// commit.
func queueNotify(b *pgx.Batch, payloads []string) {
	if len(payloads) > 0 {
		b.Queue(`SELECT pg_notify($1, x) FROM unnest($2::text[]) x`, NotifyChannel, payloads)
	}
}
