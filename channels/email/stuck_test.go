package email

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db"
)

// refusingSink is the real inbox that refuses, with the error a real
// PostgreSQL statement gives (SQLSTATE 22012, not ErrInvalid and not
// transient), every batch holding a mail whose Message-ID is in poison,
// as a size limit or a check constraint would refuse its content. With
// bare set it refuses the unreadable form (the raw mail attached) too.
type refusingSink struct {
	*testInbox
	poison []string
	bare   bool

	mu    sync.Mutex
	calls int
}

func (s *refusingSink) Ingest(ctx context.Context, batch []channels.Inbound) error {
	for _, in := range batch {
		refuse := slices.Contains(s.poison, in.Thread.MessageID) ||
			(s.bare && in.From.Value == UnknownSender && len(in.Attachments) > 0)
		if !refuse {
			continue
		}
		s.mu.Lock()
		s.calls++
		s.mu.Unlock()
		_, err := s.pool.Exec(ctx, `SELECT 1 / 0`)
		if pgErr, ok := err.(*pgconn.PgError); !ok || pgErr.Code != "22012" || db.IsTransient(err) {
			return fmt.Errorf("want a division by zero, got %v", err)
		}
		return fmt.Errorf("inbox: ingest: %w", err)
	}
	return s.testInbox.Ingest(ctx, batch)
}

// TestReceiverStatementErrorDoesNotBlock: a mail the inbox refuses for a
// reason of its own that is neither ErrInvalid nor the database being away
// is stored as unreadable (without the original when that is refused
// too), and the mails after it are ingested; the cursor moves past it.
func TestReceiverStatementErrorDoesNotBlock(t *testing.T) {
	t.Parallel()
	for _, bare := range []bool{false, true} {
		t.Run(fmt.Sprintf("bare=%v", bare), func(t *testing.T) {
			t.Parallel()
			srv := newIMAPServer(t, imapServerOptions{})
			ib := newTestInbox(t)
			sink := &refusingSink{testInbox: ib, poison: []string{"poison@example.net"}, bare: bare}
			srv.appendMail(t, customerMail("a@example.net", "support@example.com", "Bad", "poison@example.net", "", "never passes"))
			srv.appendMail(t, customerMail("b@example.net", "support@example.com", "Good", "good@example.net", "", "fine"))
			startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", sink)
			ib.waitCount(t, 2)
			waitFor(t, "the cursor at UID 2", func() bool {
				cur, _ := parseCursor(ib.cursor(t))
				return cur.last == 2
			})
			if n := ib.scalar(t, `SELECT count(*) FROM messages WHERE channel_id = $1 AND message_id = 'good@example.net'`, ib.channel); n != 1 {
				t.Errorf("the mail after the refused one stored %d times, want once", n)
			}
			want := int64(1)
			if bare {
				want = 0
			}
			if n := ib.scalar(t, `SELECT count(*) FROM messages m JOIN message_attachments ma ON ma.message_id = m.id
				WHERE m.channel_id = $1 AND m.external_id LIKE 'sha256:%' AND ma.name = 'original.eml'`, ib.channel); n != want {
				t.Errorf("refused mail stored as unreadable with %d originals, want %d", n, want)
			}
			if n := ib.scalar(t, `SELECT count(*) FROM messages WHERE channel_id = $1 AND external_id LIKE 'sha256:%'`, ib.channel); n != 1 {
				t.Errorf("%d unreadable mails, want 1", n)
			}
		})
	}
}
