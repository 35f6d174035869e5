package email

import (
	"context"
	"crypto/tls"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/peykhq/peyk/channels"
)

// Sink is what a Receiver hands its work to: batches of mail to ingest
// and the delivery updates that bounces carry. The inbox satisfies it.
type Sink interface {
	channels.Sink
	channels.Updater
}

// Receiver keeps one IMAP mailbox in sync with the inbox: it reads every
// mail after its cursor, hands them over in batches that carry the new
// cursor, and then waits with IDLE (or polls) for more.
type Receiver struct {
	channelID int64
	cfg       Config
	sec       Secrets
	log       *slog.Logger

	// Settable by this package's tests.
	tlsConfig     *tls.Config
	minBackoff    time.Duration
	maxBackoff    time.Duration
	idleRefresh   time.Duration
	maxBatchBytes int64 // most mail bytes fetched at once
	maxMailBytes  int64 // larger mail is imported header only
}

var _ channels.Receiver = (*Receiver)(nil)

// NewReceiver returns a Receiver for the mailbox of channel channelID.
// cfg should have passed Validate; its empty optional fields take their
// defaults. log may be nil.
func NewReceiver(channelID int64, cfg Config, sec Secrets, log *slog.Logger) *Receiver {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.WithDefaults()
	return &Receiver{
		channelID:     channelID,
		cfg:           cfg,
		sec:           sec,
		log:           log.With("channel_id", channelID, "mailbox", cfg.IMAP.Mailbox),
		minBackoff:    time.Second,
		maxBackoff:    5 * time.Minute,
		idleRefresh:   5 * time.Minute,
		maxBatchBytes: 32 << 20,
		maxMailBytes:  64 << 20,
	}
}

// Run reads the mailbox from cursor ("UIDVALIDITY:LASTUID" as a previous
// run left it in Inbound.Cursor; empty means from the first mail) until ctx
// is done, and then returns ctx's error. Each batch of at most BatchSize
// mails is handed to sink.Ingest with the cursor of its last mail, so the
// cursor moves only with committed mail; bounce updates go to sink's
// Update before the batch that carries them, so a
// crash in between repeats them rather than losing them.
//
// When the mailbox's UIDVALIDITY differs from the cursor's, it is read
// again from the start; the inbox skips mail it has by Message-ID. New mail
// is waited for with IDLE, restarted every few minutes, or by polling every
// PollInterval on servers without IDLE. A batch the sink refuses as
// invalid (channels.ErrInvalid) is retried mail by mail, and a mail still
// refused as invalid is stored in its unreadable form (raw attached), so
// no mail blocks the ones after it. Other errors (a lost connection, a
// failed login, a failed commit such as a database restart) are logged and
// the session is retried with exponential backoff up to five minutes, the
// cursor held at the last committed mail.
func (r *Receiver) Run(ctx context.Context, cursor string, sink channels.Store) error {
	cur, err := parseCursor(cursor)
	if err != nil {
		r.log.Warn("email: unreadable cursor; reading the mailbox from the start", "err", err)
	}
	backoff := r.minBackoff
	for {
		synced, err := r.session(ctx, &cur, sink)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if synced {
			backoff = r.minBackoff
		}
		wait := backoff/2 + rand.N(backoff)
		r.log.Warn("email: imap session failed; retrying", "err", err, "retry_in", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, r.maxBackoff)
	}
}
