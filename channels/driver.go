package channels

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"
)

// Text is a string a person reads, in Persian and in English.
type Text struct {
	Fa string `json:"fa"`
	En string `json:"en"`
}

// In returns t in Persian when fa is set, else in English.
func (t Text) In(fa bool) string {
	if fa {
		return t.Fa
	}
	return t.En
}

// IdentitySpec declares a kind of customer identity: its name, its label
// and how its values are normalized so that equal handles compare equal.
type IdentitySpec struct {
	Kind  IdentityKind
	Label Text
	// Normalize returns the canonical form of a raw value, or an error
	// wrapping ErrInvalid. Nil leaves it to the CRM, which knows the
	// universal kinds (email, phone).
	Normalize func(value string) (string, error)
}

// Instance is one stored channel as its driver's builders see it.
type Instance struct {
	// ChannelID is the id of the channels row.
	ChannelID int64
	// Settings are the channel's whole settings (its public config with
	// its decrypted secrets laid over it), as Driver.Check accepted them.
	Settings json.RawMessage
	// Store takes what the channel's parts receive: new messages, updates
	// of stored ones and cursor moves. The inbox is one.
	Store Store
	// Log is the logger of the channel's parts.
	Log *slog.Logger
	// Status is where the process records how its channels are doing (a
	// part may record its own failures with Status.Failed); it may be nil
	// outside `peyk serve`.
	Status *StatusBoard
}

// Hooks are the webhook handlers of one channel, by the path part after
// /webhooks/{channel id}: "" for the channel's only webhook, or named
// parts such as SMS's "in" and "status". Each handler authenticates the
// provider's call itself and answers only after what it carried is
// committed.
type Hooks map[string]http.Handler

// Driver is one channel kind: the settings it takes, the identities it
// produces and reaches, and the builders of its parts. A builder left nil
// declares that the kind has no such part: that is how optional
// capabilities are known, never by a type assertion. A builder may still
// answer nil (and no error) when a channel's settings do not use the part
// (a Telegram bot in webhook mode has no receiver).
type Driver struct {
	// Kind is the channel kind's name, stored in channels.kind.
	Kind Kind
	// Label names the kind to people.
	Label Text
	// Settings declares the JSON object a channel of this kind is
	// configured with. Check refuses keys not declared and values of the
	// wrong type; fields marked Secret are stored encrypted and never
	// shown.
	Settings []Field
	// Presets are ready sets of settings for the kind's common cases,
	// offered first when an admin adds a channel of the kind.
	Presets []Preset
	// Identities are the identity kinds the kind's messages carry, as
	// senders or as further proof (Inbound.Also).
	Identities []IdentitySpec
	// Reaches is the identity kind a reply through this kind goes to;
	// empty when the kind cannot send.
	Reaches IdentityKind

	// Validate checks what the field declarations cannot (one field
	// required when another is set, a token's shape) on settings that
	// passed them, and returns them completed (a generated webhook
	// secret, a password moved out of a URL), or an error wrapping
	// ErrInvalid. Nil accepts whatever passed the declarations.
	Validate func(settings json.RawMessage) (json.RawMessage, error)
	// Mask returns a public config with the secrets that sit inside
	// other fields (a password in a URL, a token in a header) masked.
	// It runs on every config shown and on every config stored beside
	// the secrets; nil masks nothing beyond the Secret fields.
	Mask func(public json.RawMessage) json.RawMessage

	// Sender builds the part that delivers replies.
	Sender func(ctx context.Context, in Instance) (Sender, error)
	// Receiver builds the part that pulls messages itself (IMAP, long
	// polling).
	Receiver func(ctx context.Context, in Instance) (Receiver, error)
	// Webhook builds the handlers providers call (push).
	Webhook func(ctx context.Context, in Instance) (Hooks, error)
	// Tester builds the connection test an operator runs on demand.
	Tester func(ctx context.Context, in Instance) (Tester, error)
	// Setup registers a channel with its provider (Telegram's
	// setWebhook); it runs after a create or update and on every test.
	Setup func(ctx context.Context, in Instance) error

	// Window declares a reply window (WhatsApp's 24-hour customer-service
	// window): it reports whether free text may be sent to a customer who
	// last wrote at lastInbound (zero: never) at now, and when the window
	// closes (or closed; zero when there is none). Outside it the kind's
	// Sender refuses free text with ErrWindowClosed and only a template
	// goes. Nil: no window.
	Window func(lastInbound, now time.Time) (open bool, closesAt time.Time)
	// Templates declares that the kind's Sender sends Outbound.Template;
	// the inbox refuses a template reply on any other kind.
	Templates bool
}

// Receiver state values of a Status.
const (
	StateIdle    = "idle"
	StateRunning = "running"
	StateFailed  = "failed"
	StateStopped = "stopped"
)

// Status is how a channel is doing: its receiver's state and the last
// error any of its parts met.
type Status struct {
	ChannelID int64 `json:"channel_id"`
	// Receiver is StateRunning, StateFailed, StateStopped, or StateIdle
	// for a channel that does not pull (or has not yet).
	Receiver string `json:"receiver"`
	// LastError is the last failure of a part, in the provider's words;
	// empty when none since the process started.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// Since is when Receiver last changed.
	Since time.Time `json:"since,omitzero"`
}
