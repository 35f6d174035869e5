// Package schedule is the schedule book: reminders, scheduled messages,
// follow-ups, wake-ups and attribute-date messages (schedule.go,
// attrrules.go), their firing (fire.go), the SLA checks (sla.go) and the
// business calendar they count in (calendar.go). The inbox embeds a Book,
// so its methods are the inbox's too; what a schedule does to a
// conversation (a message to the customer, a timeline entry) goes
// through the inbox's Conversations.
package schedule

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/crm"
)

// Error kinds, shared with crm so the web layer maps one set.
var (
	ErrNotFound = crm.ErrNotFound
	ErrInvalid  = crm.ErrInvalid
	ErrConflict = crm.ErrConflict
)

// Message is a schedule's message to a customer.
type Message struct {
	// ConversationID is the conversation; 0 means the contact's latest
	// conversation on the channel, or a new one when there is none.
	ConversationID int64
	ContactID      int64
	// ChannelID sends on another channel than the conversation's; 0 means
	// the conversation's own.
	ChannelID int64
	Text      string
	// Queue is the delivery queue: "default" or "bulk".
	Queue string
}

// Conversations is what schedules do to conversations, inside the
// transaction that fires a schedule or handles a breach. The inbox
// implements it with its reply path and timeline.
type Conversations interface {
	// Send stores m as a queued outbound message and returns its id.
	Send(ctx context.Context, tx pgx.Tx, m Message) (int64, error)
	// Note adds an event entry with text to conversation conv's timeline;
	// say, when not nil, is what it says as a key and arguments (Text).
	Note(ctx context.Context, tx pgx.Tx, conv int64, text string, say *Text) error
	// Changed announces that conversation conv changed.
	Changed(ctx context.Context, tx pgx.Tx, conv int64) error
}

// Book keeps the schedules and the SLA policies. It is safe for
// concurrent use.
type Book struct {
	pool  *pgxpool.Pool
	convs Conversations
}

// New returns a Book on pool whose schedules act on conversations through
// convs.
func New(pool *pgxpool.Pool, convs Conversations) *Book {
	return &Book{pool: pool, convs: convs}
}

// cleanText makes s storable text of at most max bytes: valid UTF-8, no
// NUL bytes, cut at a character boundary.
func cleanText(s string, max int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}
