package email

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

// testInbox is the real inbox on a fresh PostgreSQL schema with one email
// channel. It records the delivery updates it applies.
type testInbox struct {
	*inbox.Inbox
	pool    *pgxpool.Pool
	channel int64

	mu      sync.Mutex
	updates []channels.Update
}

var (
	_ Sink = (*inbox.Inbox)(nil)
	_ Sink = (*testInbox)(nil)
)

func newTestInbox(t testing.TB) *testInbox {
	t.Helper()
	return newTestInboxConfig(t, inbox.Config{})
}

// newTestInboxConfig is newTestInbox with the inbox configured by cfg.
func newTestInboxConfig(t testing.TB, cfg inbox.Config) *testInbox {
	t.Helper()
	pool := dbtest.New(t)
	ib := inbox.New(pool, cfg, nil)
	id, err := ib.CreateChannel(context.Background(), channels.Email, "support", nil)
	if err != nil {
		t.Fatal(err)
	}
	return &testInbox{Inbox: ib, pool: pool, channel: id}
}

func (ib *testInbox) Update(ctx context.Context, updates []channels.Update) (int, error) {
	ib.mu.Lock()
	ib.updates = append(ib.updates, updates...)
	ib.mu.Unlock()
	return ib.Inbox.Update(ctx, updates)
}

func (ib *testInbox) recorded() []channels.Update {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	return append([]channels.Update(nil), ib.updates...)
}

func (ib *testInbox) cursor(t testing.TB) string {
	t.Helper()
	ch, err := ib.Channel(context.Background(), ib.channel)
	if err != nil {
		t.Fatal(err)
	}
	return ch.Cursor
}

func (ib *testInbox) scalar(t testing.TB, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := ib.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// count is how many messages the channel has.
func (ib *testInbox) count(t testing.TB) int {
	t.Helper()
	return int(ib.scalar(t, `SELECT count(*) FROM messages WHERE channel_id = $1`, ib.channel))
}

// waitCount waits until the channel has n messages.
func (ib *testInbox) waitCount(t testing.TB, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d messages", n), func() bool { return ib.count(t) >= n })
	if got := ib.count(t); got != n {
		t.Fatalf("channel has %d messages, want %d", got, n)
	}
}

// conversationOf returns the conversation of the message with externalID.
func (ib *testInbox) conversationOf(t testing.TB, externalID string) int64 {
	t.Helper()
	return ib.scalar(t, `SELECT conversation_id FROM messages WHERE channel_id = $1 AND (external_id = $2 OR message_id = $2)`,
		ib.channel, externalID)
}

// waitFor polls cond for up to 30 seconds: long enough for a loaded
// machine, and no test asserts on speed.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// newTestReceiver returns a Receiver for srv that retries fast and, unless
// adjusted, never refreshes IDLE or polls on its own during a test.
func newTestReceiver(t testing.TB, srv *imapServer, channel int64, adjust func(*Config)) *Receiver {
	t.Helper()
	cfg := srv.config()
	cfg.PollInterval = Duration(time.Hour)
	if adjust != nil {
		adjust(&cfg)
	}
	r := NewReceiver(channel, cfg, Secrets{IMAPPassword: testPassword}, testLogger(t))
	// A short IDLE refresh: go-imap's test server does not report a mail
	// that arrives between the NOOP and IDLE, and a busy CI machine can
	// hit that window. TestReceiverIdle turns the refresh off.
	r.minBackoff, r.maxBackoff, r.idleRefresh = 10*time.Millisecond, 200*time.Millisecond, 3*time.Second
	return r
}

// startReceiver runs r until the returned stop is called (or the test
// ends) and stop returns Run's error.
func startReceiver(t testing.TB, r *Receiver, cursor string, sink channels.Store) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, cursor, sink) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = fmt.Errorf("Run did not return after cancel")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func testLogger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// customerMail is a plain mail from a customer.
func customerMail(from, to, subject, msgID, inReplyTo, body string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Mon, 20 Apr 2026 10:00:00 +0330\r\n", from, to, subject)
	if msgID != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", msgID)
	}
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", body)
	return []byte(b.String())
}
