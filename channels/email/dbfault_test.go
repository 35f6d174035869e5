package email

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/channels"
)

// dbDownSink is the real inbox behind a database that goes away: while
// fail is positive, each Ingest gets the error a real PostgreSQL server
// sends when an administrator terminates the backend (SQLSTATE 57P01),
// provoked on a connection of its own, and records the channel cursor
// stored at that moment and the mails it was handed.
type dbDownSink struct {
	*testInbox
	t testing.TB

	mu      sync.Mutex
	fail    int
	cursors []string
	handed  [][]string
}

func (s *dbDownSink) Ingest(ctx context.Context, batch []channels.Inbound) error {
	s.mu.Lock()
	failing := s.fail > 0
	if failing {
		s.fail--
	}
	s.mu.Unlock()
	if !failing {
		return s.testInbox.Ingest(ctx, batch)
	}
	var ids []string
	for _, in := range batch {
		ids = append(ids, in.Thread.MessageID)
	}
	cur := s.cursor(s.t)
	s.mu.Lock()
	s.cursors, s.handed = append(s.cursors, cur), append(s.handed, ids)
	s.mu.Unlock()

	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("inbox: ingest: %w", err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57P01" {
		s.t.Errorf("terminating the backend gave %v, want SQLSTATE 57P01", err)
	}
	return fmt.Errorf("inbox: ingest: %w", err)
}

// TestReceiverDatabaseDown: a mail whose commit fails because the
// database went away is retried with the cursor held and stored once,
// from its real sender, never as an unreadable mail from an unknown one.
func TestReceiverDatabaseDown(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	sink := &dbDownSink{testInbox: ib, t: t}
	srv.appendMail(t, customerMail("Ali <ali@example.net>", "support@example.com", "First", "first@example.net", "", "one"))
	startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", sink)
	ib.waitCount(t, 1)
	held := ib.cursor(t)

	sink.mu.Lock()
	sink.fail = 3
	sink.mu.Unlock()
	srv.appendMail(t, customerMail("Bahar Nikpour <bahar@example.net>", "support@example.com", "Second",
		"second@example.net", "", "two"))
	ib.waitCount(t, 2)

	sink.mu.Lock()
	defer sink.mu.Unlock()
	if sink.fail != 0 || len(sink.cursors) != 3 {
		t.Fatalf("%d failed calls, want 3 (fail left %d)", len(sink.cursors), sink.fail)
	}
	for i, cur := range sink.cursors {
		if cur != held {
			t.Errorf("failed call %d: stored cursor %q, want it held at %q", i, cur, held)
		}
		if len(sink.handed[i]) != 1 || sink.handed[i][0] != "second@example.net" {
			t.Errorf("failed call %d was handed %v, want the second mail again", i, sink.handed[i])
		}
	}
	if n := ib.scalar(t, `SELECT count(*) FROM messages WHERE channel_id = $1 AND message_id = 'second@example.net'`, ib.channel); n != 1 {
		t.Errorf("second mail stored %d times, want once", n)
	}
	if n := ib.scalar(t, `SELECT count(*) FROM messages m
		JOIN conversations c ON c.id = m.conversation_id
		JOIN contact_identities ci ON ci.contact_id = c.contact_id
		JOIN contacts ct ON ct.id = c.contact_id
		WHERE m.message_id = 'second@example.net' AND ci.kind = 'email' AND ci.value = 'bahar@example.net'
			AND ct.name = 'Bahar Nikpour'`); n != 1 {
		t.Error("the second mail is not filed with its sender's contact")
	}
	if n := ib.scalar(t, `SELECT count(*) FROM contact_identities WHERE value = $1`, UnknownSender); n != 0 {
		t.Errorf("%d unknown-sender identities, want none", n)
	}
	if n := ib.scalar(t, `SELECT count(*) FROM messages WHERE external_id LIKE 'sha256:%'`); n != 0 {
		t.Errorf("%d mails stored as unreadable, want none", n)
	}
	cur, _ := parseCursor(ib.cursor(t))
	if h, _ := parseCursor(held); cur.validity != h.validity || cur.last != 2 {
		t.Errorf("cursor %q after the database came back, want UID 2", ib.cursor(t))
	}
}
