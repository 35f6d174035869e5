package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Statuses of a conversation.
const (
	StatusOpen     = "open"
	StatusPending  = "pending"
	StatusSnoozed  = "snoozed"
	StatusResolved = "resolved"
)

// Conversation is a thread of messages with one contact.
type Conversation struct {
	ID              int64      `json:"id"`
	Ref             int64      `json:"ref"`
	ContactID       int64      `json:"contact_id"`
	ChannelID       *int64     `json:"channel_id"`
	Status          string     `json:"status"`
	AssigneeID      *int64     `json:"assignee_id"`
	TeamID          *int64     `json:"team_id"`
	Priority        string     `json:"priority"`
	Subject         string     `json:"subject"`
	ReplyToken      string     `json:"-"`
	Tags            []string   `json:"tags"`
	Unread          int        `json:"unread"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	LastMessageAt   time.Time  `json:"last_message_at"`
	LastInboundAt   *time.Time `json:"last_inbound_at"`
	FirstResponseAt *time.Time `json:"first_response_at"`
	WaitingSince    *time.Time `json:"waiting_since"`
	SnoozedUntil    *time.Time `json:"snoozed_until"`
	ResolvedAt      *time.Time `json:"resolved_at"`
}

const conversationColumns = `id, ref, contact_id, channel_id, status, assignee_id, team_id, priority,
	subject, reply_token, tags, unread, created_at, updated_at, last_message_at, last_inbound_at,
	first_response_at, waiting_since, snoozed_until, resolved_at`

// Message is one timeline entry of a conversation.
type Message struct {
	ID             int64      `json:"id"`
	ConversationID int64      `json:"conversation_id"`
	ChannelID      *int64     `json:"channel_id"`
	ExternalID     *string    `json:"external_id"`
	Direction      string     `json:"direction"`
	Kind           string     `json:"kind"`
	AuthorID       *int64     `json:"author_id"`
	Body           string     `json:"body"`
	HTML           string     `json:"html"`
	Subject        string     `json:"subject"`
	MessageID      *string    `json:"message_id"`
	InReplyTo      *string    `json:"in_reply_to"`
	Refs           []string   `json:"refs"`
	Call           *CallEntry `json:"call,omitempty"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	Error          string     `json:"error"`
	Truncated      bool       `json:"truncated"`
	AutoReply      bool       `json:"auto_reply"`
	// Identity is the customer's identity on the message (kind:value).
	Identity  string     `json:"identity"`
	SentAt    time.Time  `json:"sent_at"`
	StatusAt  *time.Time `json:"status_at"`
	EditedAt  *time.Time `json:"edited_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// CallEntry is the call part of a call timeline entry.
type CallEntry struct {
	Disposition  string `json:"disposition"`
	Duration     int64  `json:"duration"`
	Billable     int64  `json:"billable"`
	RecordingURL string `json:"recording_url"`
}

const messageColumns = `id, conversation_id, channel_id, external_id, direction, kind, author_id, body, html,
	subject, message_id, in_reply_to, refs, call, status, attempts, error, truncated, auto_reply, identity,
	sent_at, status_at, edited_at, created_at`

// Conversation returns one conversation.
func (ib *Inbox) Conversation(ctx context.Context, id int64) (Conversation, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT `+conversationColumns+` FROM conversations WHERE id = $1`, id)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Conversation])
	if errors.Is(err, pgx.ErrNoRows) {
		return Conversation{}, fmt.Errorf("inbox: conversation %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: conversation %d: %w", id, err)
	}
	return c, nil
}

// ContactConversations returns a contact's conversations, newest first.
func (ib *Inbox) ContactConversations(ctx context.Context, contactID int64) ([]Conversation, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT `+conversationColumns+` FROM conversations
		WHERE contact_id = $1 ORDER BY id DESC`, contactID)
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Conversation])
	if err != nil {
		return nil, fmt.Errorf("inbox: conversations of contact %d: %w", contactID, err)
	}
	return cs, nil
}

// Messages returns a conversation's timeline in order.
func (ib *Inbox) Messages(ctx context.Context, conversationID int64) ([]Message, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE conversation_id = $1 ORDER BY sent_at, id`, conversationID)
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByName[Message])
	if err != nil {
		return nil, fmt.Errorf("inbox: messages of %d: %w", conversationID, err)
	}
	return ms, nil
}
