// Package channels holds the adapter contract that every channel (email,
// SMS, Telegram, phone logs) implements: adapters turn provider events into
// Inbound values for the inbox and deliver Outbound values to customers.
//
// Adapters import only this package and their provider SDK; the inbox
// imports this package for the Inbound type. Nothing here talks to a
// database.
package channels

import (
	"context"
	"time"
)

// Kind names a channel type.
type Kind string

// The channel kinds Peyk knows.
const (
	Email    Kind = "email"
	SMS      Kind = "sms"
	Telegram Kind = "telegram"
	Phone    Kind = "phone"
)

// IdentityKind names a kind of customer identity.
type IdentityKind string

// The identity kinds Peyk resolves to contacts.
const (
	IdentityEmail    IdentityKind = "email"
	IdentityPhone    IdentityKind = "phone"
	IdentityTelegram IdentityKind = "telegram"
)

// Identity is one handle of a customer as a channel sees it: an e-mail
// address, a phone number or a Telegram user id. Value may be raw (as the
// provider sent it); the CRM normalizes it before matching.
type Identity struct {
	Kind  IdentityKind
	Value string
	// Name is the display name the channel offers, if any ("Sara Ahmadi").
	Name string
}

// MessageKind says what a timeline entry is.
type MessageKind string

// The message kinds of the timeline.
const (
	KindText  MessageKind = "text"
	KindEmail MessageKind = "email"
	KindCall  MessageKind = "call"
	KindNote  MessageKind = "note"
	KindEvent MessageKind = "event"
)

// Attachment is a file carried by a message. Data holds the content; the
// inbox stores it content-addressed by its SHA-256.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
	// ContentID is the MIME Content-ID of an inline image, without brackets.
	ContentID string
	// URL is where a provider keeps the file when Data is not fetched
	// (a call recording, a Telegram file); Data may then be empty.
	URL string
}

// Thread carries the hints the inbox uses to pick a conversation.
// Email fills the header fields; chat channels usually leave them empty.
type Thread struct {
	// MessageID is the message's own Message-ID, without angle brackets.
	MessageID string
	// InReplyTo and References are Message-IDs, without angle brackets.
	InReplyTo  string
	References []string
	// ReplyToken is the token of a plus-addressed Reply-To we sent
	// (support+TOKEN@example.com), taken from the recipient address.
	ReplyToken string
	// Subject is used for the «[#ref]» fallback and for new conversations.
	Subject string
}

// Call describes a phone call timeline entry.
type Call struct {
	// Disposition is ANSWERED, NO ANSWER, BUSY, FAILED or CONGESTION.
	Disposition string
	Duration    time.Duration
	// Billable is the talk time (Asterisk's billsec).
	Billable     time.Duration
	RecordingURL string
}

// Direction says who wrote a message.
type Direction string

// The directions of a message.
const (
	In  Direction = "in"
	Out Direction = "out"
)

// Inbound is one message (or call, or edit) a channel received, normalized.
// ChannelID and ExternalID identify it: ingesting the same pair twice adds
// nothing.
type Inbound struct {
	// ChannelID is the id of the channels row the message came through.
	ChannelID int64
	// ExternalID is the provider's id for the message (IMAP Message-ID or
	// UIDVALIDITY/UID, Telegram chat/message id, SMS sid, CDR unique id).
	// It must not be empty.
	ExternalID string
	// Aliases are external ids earlier versions stored the same message
	// under (an email's id made of its Message-ID and a digest of the
	// parsed content): an email whose Message-ID the channel holds under
	// one of them is already stored.
	Aliases []string
	// Direction is In for customer messages; Out for messages our side sent
	// through another tool that the channel reports (an outbound call, mail
	// sent from a mail client). Empty means In.
	Direction Direction
	Kind      MessageKind
	// From is the customer's identity: the sender of an inbound message, the
	// recipient of an outbound one.
	From Identity
	// Also lists further identities the message proves belong to the same
	// customer (a phone number shared on Telegram).
	Also        []Identity
	Text        string
	HTML        string
	Attachments []Attachment
	Thread      Thread
	Call        *Call
	// Headers keeps selected raw headers for display and debugging.
	Headers map[string]string
	// SentAt is when the provider says the message was sent; zero means now.
	SentAt time.Time
	// AutoReply marks auto-replies and bounces: they are stored but never
	// open a conversation on their own.
	AutoReply bool
	// History marks a message from before the channel started syncing
	// (an email channel's sync_since), imported for the record: it is
	// filed like any other, in a conversation that starts resolved, and it
	// opens or reopens nothing, starts no SLA clock and counts in no KPI.
	History bool
	// Cursor, when set, is the channel cursor that becomes current once this
	// message is committed (IMAP UIDVALIDITY/UID, Telegram update offset).
	// The last non-empty cursor of a batch per channel wins.
	Cursor string
}

// Outbound is a message Peyk sends to a customer through a channel.
type Outbound struct {
	// MessageID is the inbox message id; senders use it to make sends
	// idempotent where the provider allows.
	MessageID int64
	ChannelID int64
	To        Identity
	Text      string
	HTML      string
	// Subject is used by email.
	Subject string
	// Ref is the conversation's reference number; email carries it in the
	// subject as «[#ref]».
	Ref         int64
	Attachments []Attachment
	// Thread carries the headers (email) or the message to reply to
	// (Telegram's reply_to_message_id as ExternalID in InReplyTo).
	Thread Thread
	// LastInbound is when the customer last wrote on this channel, as the
	// inbox's delivery lookup found it; zero when they never did. A kind
	// with a reply window (Driver.Window) refuses free text outside it.
	LastInbound time.Time
	// Template, when set, is a provider-approved template sent instead of
	// Text, HTML and Attachments; only kinds that declare
	// Driver.Templates send it.
	Template *Template
}

// Template is a provider-approved message template (a WhatsApp message
// template) to send, with the values of its body's {{1}}, {{2}}…
// parameters in order.
type Template struct {
	// Name is the template's name as the provider approved it.
	Name string `json:"name"`
	// Language is the template language's code ("fa", "en_US").
	Language string `json:"language"`
	// Params are the body parameters, in order.
	Params []string `json:"params,omitempty"`
}

// SendResult is what a provider returned for a sent message.
type SendResult struct {
	// ExternalID is the provider's id for the sent message.
	ExternalID string
}

// Sender delivers outbound messages. A Sender returns an error wrapping
// ErrPermanent when retrying cannot help (a 5xx SMTP reply, an unknown
// recipient); other errors are retried.
type Sender interface {
	Send(ctx context.Context, m Outbound) (SendResult, error)
}

// Sink receives inbound messages. The inbox's Ingest satisfies it; it
// returns only after the messages are committed.
type Sink interface {
	Ingest(ctx context.Context, batch []Inbound) error
}

// Receiver is a channel that pulls messages itself (IMAP, Telegram long
// polling, SMS polling). Run blocks until ctx is done, handing batches to
// store and moving its cursor through Inbound.Cursor (or, for a batch
// without a new message, store.SetCursor).
type Receiver interface {
	Run(ctx context.Context, cursor string, store Store) error
}

// Tester is a channel whose configuration can be checked on demand.
// Test reports what failed in words an operator can act on.
type Tester interface {
	Test(ctx context.Context) error
}

// Delivery statuses of an outbound message, as Update.Status reports them.
const (
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Update changes a message already stored rather than adding one: a
// delivery report or bounce for a message we sent, or a customer's edit of
// a message they sent. The message is found by ChannelID and ExternalID,
// or, for an email bounce, by the Message-ID header our mail carried.
type Update struct {
	ChannelID  int64
	ExternalID string
	// MessageID is our Message-ID (without brackets), for email bounces.
	MessageID string
	// Status is StatusSent, StatusDelivered or StatusFailed; empty leaves
	// the status as it is. A status never moves back (delivered stays
	// delivered when a late "sent" arrives).
	Status string
	// Error says why a message failed, in the provider's words.
	Error string
	// Text, when Edited, replaces the stored text.
	Text   string
	Edited bool
	At     time.Time
}

// Updater applies updates to stored messages. The inbox satisfies it.
// Updates for unknown messages are ignored (reported in the count).
type Updater interface {
	Update(ctx context.Context, updates []Update) (applied int, err error)
}
