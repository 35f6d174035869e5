package email

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
)

// TLS modes of a server connection.
const (
	// TLSImplicit connects with TLS from the first byte (IMAPS 993, SMTPS 465).
	TLSImplicit = "tls"
	// TLSStartTLS connects in plain text and upgrades with STARTTLS (143, 587).
	TLSStartTLS = "starttls"
	// TLSNone never encrypts; only for local or test servers.
	TLSNone = "none"
)

// SMTP authentication mechanisms.
const (
	AuthPlain = "plain"
	AuthLogin = "login"
	AuthNone  = "none"
)

// Defaults of the optional Config fields.
const (
	DefaultMailbox      = "INBOX"
	DefaultPollInterval = 60 * time.Second
	DefaultBatchSize    = 100
	DefaultSyncSince    = 7 * 24 * time.Hour
	DefaultHistory      = HistoryResolved
)

// What the first sync does with the mail a mailbox held from before
// SyncSince (Config.History).
const (
	// HistoryResolved imports it resolved, for the record: it opens
	// nothing, starts no SLA clock and counts in no KPI.
	HistoryResolved = "resolved"
	// HistorySkip leaves it in the mailbox, unimported.
	HistorySkip = "skip"
)

// Config is an email channel's configuration without its secrets. It is
// stored as the channel's JSON config.
type Config struct {
	IMAP IMAPConfig `json:"imap"`
	SMTP SMTPConfig `json:"smtp"`
	// From is the channel's address (support@example.com). Replies are
	// sent from it; incoming mail to it plus-addressed
	// (support+TOKEN@example.com) is threaded by the token.
	From string `json:"from"`
	// ReplyToken makes replies carry From plus-addressed with the
	// conversation's token as Reply-To, so the customer's answer threads
	// even when their mail client drops the threading headers. Off by
	// default: a server without subaddressing (Postfix without
	// recipient_delimiter) refuses such an address and the answer bounces.
	// The channel test tells whether the server accepts it.
	ReplyToken bool `json:"reply_token,omitempty"`
	// FromName is the display name of From ("Peyk Support").
	FromName string `json:"from_name,omitempty"`
	// PollInterval is how often the mailbox is checked when the server has
	// no IDLE. Zero means DefaultPollInterval.
	PollInterval Duration `json:"poll_interval,omitempty"`
	// BatchSize is how many mails are fetched and committed together.
	// Zero means DefaultBatchSize.
	BatchSize int `json:"batch_size,omitempty"`
	// SyncSince is how far back the first sync of the mailbox takes mail
	// as new: mail that arrived (IMAP INTERNALDATE) longer than SyncSince
	// before the first sync is history, and so is such mail found later.
	// Zero means DefaultSyncSince.
	SyncSince Duration `json:"sync_since,omitempty"`
	// History is what becomes of history: HistoryResolved or HistorySkip.
	// Empty means DefaultHistory.
	History string `json:"history,omitempty"`
}

// IMAPConfig says where incoming mail is read.
type IMAPConfig struct {
	Host string `json:"host"`
	Port int    `json:"port"`
	// TLS is TLSImplicit, TLSStartTLS or TLSNone.
	TLS  string `json:"tls"`
	User string `json:"user"`
	// Mailbox is the folder read; empty means DefaultMailbox.
	Mailbox string `json:"mailbox,omitempty"`
}

// SMTPConfig says where outgoing mail is handed over.
type SMTPConfig struct {
	Host string `json:"host"`
	Port int    `json:"port"`
	// TLS is TLSImplicit, TLSStartTLS or TLSNone.
	TLS  string `json:"tls"`
	User string `json:"user,omitempty"`
	// Auth is AuthPlain, AuthLogin or AuthNone.
	Auth string `json:"auth"`
}

// Secrets are the passwords of an email channel, kept apart from Config so
// they can be encrypted at rest.
type Secrets struct {
	IMAPPassword string `json:"imap_password"`
	SMTPPassword string `json:"smtp_password"`
}

// WithDefaults returns c with every empty optional field set to its default.
func (c Config) WithDefaults() Config {
	if c.IMAP.Mailbox == "" {
		c.IMAP.Mailbox = DefaultMailbox
	}
	if c.PollInterval <= 0 {
		c.PollInterval = Duration(DefaultPollInterval)
	}
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.SyncSince <= 0 {
		c.SyncSince = Duration(DefaultSyncSince)
	}
	if c.History == "" {
		c.History = DefaultHistory
	}
	return c
}

// Validate reports every problem of c in one error wrapping
// channels.ErrInvalid, or nil when c is usable.
func (c Config) Validate() error {
	p := &channels.Problems{Prefix: "email: config: "}
	bad := func(field, reason, format string, args ...any) {
		p.Errs = append(p.Errs, &channels.FieldError{Field: field, Reason: reason, Err: fmt.Errorf(format, args...)})
	}
	checkServer := func(name, host string, port int, mode string) {
		if strings.TrimSpace(host) == "" {
			bad(name+".host", channels.ReasonRequired, "%s host is empty", name)
		}
		if port < 1 || port > 65535 {
			bad(name+".port", ReasonPort, "%s port %d is not between 1 and 65535", name, port)
		}
		switch mode {
		case TLSImplicit, TLSStartTLS, TLSNone:
		default:
			bad(name+".tls", channels.ReasonEnum, "%s tls %q is not one of tls, starttls, none", name, mode)
		}
	}
	checkServer("imap", c.IMAP.Host, c.IMAP.Port, c.IMAP.TLS)
	if c.IMAP.User == "" {
		bad("imap.user", channels.ReasonRequired, "imap user is empty")
	}
	checkServer("smtp", c.SMTP.Host, c.SMTP.Port, c.SMTP.TLS)
	switch c.SMTP.Auth {
	case AuthPlain, AuthLogin:
		if c.SMTP.User == "" {
			bad("smtp.user", channels.ReasonRequired, "smtp user is empty but auth is %s", c.SMTP.Auth)
		}
	case AuthNone:
	default:
		bad("smtp.auth", channels.ReasonEnum, "smtp auth %q is not one of plain, login, none", c.SMTP.Auth)
	}
	if a, err := mail.ParseAddress(c.From); err != nil || a.Address != c.From {
		bad("from", ReasonAddress, "from %q is not a bare address like support@example.com", c.From)
	} else if local, _, _ := strings.Cut(c.From, "@"); strings.Contains(local, "+") {
		bad("from", ReasonPlusTag, "from %q already has a +tag; reply tokens are added to it", c.From)
	}
	if c.PollInterval < 0 {
		bad("poll_interval", channels.ReasonDuration, "poll interval %s is negative", time.Duration(c.PollInterval))
	}
	if c.BatchSize < 0 || c.BatchSize > 10000 {
		bad("batch_size", ReasonBatch, "batch size %d is not between 1 and 10000", c.BatchSize)
	}
	if c.SyncSince < 0 {
		bad("sync_since", channels.ReasonDuration, "sync_since %s is negative", time.Duration(c.SyncSince))
	}
	switch c.History {
	case "", HistoryResolved, HistorySkip:
	default:
		bad("history", channels.ReasonEnum, "history %q is not one of resolved, skip", c.History)
	}
	if len(p.Errs) == 0 {
		return nil
	}
	return p
}

// The reason keys of the field errors Validate returns beyond the
// channels package's (catalogue keys of the web's sentences).
const (
	ReasonPort    = "channels.error.port"
	ReasonAddress = "channels.error.address"
	ReasonPlusTag = "channels.error.plus_tag"
	ReasonBatch   = "channels.error.batch"
)
