// Package inbox holds conversations and messages, organised by flow:
//
//   - ingest (ingest*.go): the group-commit pipeline that turns channel
//     messages into threaded conversations (Ingest), and the set-based bulk
//     import (IngestBulk), which share their SQL (ingest_sql.go);
//   - schedules (package schedule, embedded in Inbox): reminders,
//     scheduled messages, follow-ups and wake-ups, their firing, the SLA
//     checks and the business calendar; scheduled.go is what they do to
//     conversations;
//   - the channel store (package chanstore, embedded in Inbox): channels,
//     their secrets, ownership and cursors;
//   - the conversation model (the rest): conversations, messages, replies
//     and their delivery, agent actions, teams, settings, and the read
//     models the pages and the API list (list.go, timeline.go,
//     contactview.go, report.go), scoped by visibility.go.
package inbox

import (
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/chanstore"
	"github.com/peykhq/peyk/inbox/schedule"
)

// Error kinds, shared with crm so the web layer maps one set.
var (
	ErrNotFound = crm.ErrNotFound
	ErrInvalid  = crm.ErrInvalid
	ErrConflict = crm.ErrConflict
)

// ErrNoSecretKey means a channel secret was to be stored or read without
// PEYK_SECRET_KEY set. It is a kind of ErrInvalid.
var ErrNoSecretKey = chanstore.ErrNoSecretKey

// Channel is a configured channel (one mailbox, one bot, one SMS line), as
// the channel store keeps it.
type Channel = chanstore.Channel

// NotifyChannel is the PostgreSQL NOTIFY channel on which every change is
// announced, with a JSON payload (see Event).
const NotifyChannel = "peyk_events"

// Config tunes the inbox. The zero value is usable: every zero field takes
// its default.
type Config struct {
	// ReopenWithin is how long after resolution a chat, SMS or call
	// conversation is reopened by a new message rather than replaced by a
	// new conversation. Default 72h.
	ReopenWithin time.Duration
	// MaxBody is the largest text or HTML body stored, in bytes; longer
	// bodies are cut at a character boundary and the message is marked
	// truncated. Default 1 MiB.
	MaxBody int
	// MaxGroup is the most messages one group-commit transaction takes from
	// concurrent callers (one caller's batch is never split). Default 2000.
	MaxGroup int
	// Committers is how many group-commit transactions may run at once.
	// Two keep both the database and the Go side busy on a small machine.
	// Default 2.
	Committers int
	// SecretKey encrypts channel secrets at rest (PEYK_SECRET_KEY). Without
	// it channels that need secrets cannot be stored or used.
	SecretKey string
	// TeamVisibility is the team_visibility setting while the settings
	// table holds none (PEYK_TEAM_VISIBILITY); see Viewer.
	TeamVisibility bool
	// Logger gets what ingest warns about (two different mails sharing a
	// Message-ID). Default: discard.
	Logger *slog.Logger
	// Kinds is the channel registry: how each identity kind is
	// normalized and which identity kind a reply on each channel kind
	// goes to. Nil knows the four original kinds (see
	// channels.Registry.Reaches).
	Kinds *channels.Registry
}

func (c Config) withDefaults() Config {
	if c.ReopenWithin <= 0 {
		c.ReopenWithin = 72 * time.Hour
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	if c.MaxGroup <= 0 {
		c.MaxGroup = 2000
	}
	if c.Committers <= 0 {
		c.Committers = 2
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Inbox is the conversation store and ingest pipeline, with the methods
// of the channel store (channels, secrets, ownership, cursors) and of the
// schedule book (schedules, their firing, SLA policies and checks). It is
// safe for concurrent use; concurrent Ingest calls share transactions.
type Inbox struct {
	*chanstore.Store
	*schedule.Book

	pool    *pgxpool.Pool
	cfg     Config
	metrics *Metrics

	mu      sync.Mutex
	pending []*request
	running int // committers draining pending
}

// New returns an Inbox on pool. metrics may be nil.
func New(pool *pgxpool.Pool, cfg Config, metrics *Metrics) *Inbox {
	if metrics == nil {
		metrics = NewMetrics(nil)
	}
	ib := &Inbox{Store: chanstore.New(pool, cfg.SecretKey, metrics.OwnerErrors), pool: pool,
		cfg: cfg.withDefaults(), metrics: metrics}
	ib.Book = schedule.New(pool, scheduled{kinds: cfg.Kinds})
	return ib
}
