package telegram

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/telegram/telegramtest"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

const testToken = "5550001:AAH-test_Token-peyk"

// env is a real inbox on PostgreSQL with one Telegram channel, and a Bot
// API stand-in.
type env struct {
	pool *pgxpool.Pool
	ib   *inbox.Inbox
	ch   int64
	api  *telegramtest.Server
}

var _ Sink = (*inbox.Inbox)(nil)

func newEnv(tb testing.TB) *env {
	tb.Helper()
	pool := dbtest.New(tb)
	ib := inbox.New(pool, inbox.Config{}, nil)
	ch, err := ib.CreateChannel(context.Background(), channels.Telegram, "bot", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &env{pool: pool, ib: ib, ch: ch, api: telegramtest.NewServer(tb, testToken)}
}

// newBot returns a bot on the stand-in with short timeouts.
func newBot(tb testing.TB, api *telegramtest.Server, channelID int64) *Bot {
	tb.Helper()
	cfg := Config{APIEndpoint: api.URL, PollTimeout: Duration(time.Second), PollInterval: Duration(10 * time.Millisecond)}
	log := slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := New(context.Background(), channelID, cfg, Secrets{Token: testToken}, log)
	if err != nil {
		tb.Fatal(err)
	}
	b.backoffMin, b.backoffMax = 10*time.Millisecond, 50*time.Millisecond
	return b
}

// testWriter sends log lines to the test log.
type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Logf("%s", p)
	return len(p), nil
}

// count runs a count query.
func (e *env) count(tb testing.TB, sql string, args ...any) int {
	tb.Helper()
	return dbtest.Count(tb, e.pool, sql, args...)
}

// cursor returns the stored cursor of the Telegram channel.
func (e *env) cursor(tb testing.TB) string {
	tb.Helper()
	c, err := e.ib.Channel(context.Background(), e.ch)
	if err != nil {
		tb.Fatal(err)
	}
	return c.Cursor
}

// body returns the stored text of a message of the Telegram channel.
func (e *env) body(tb testing.TB, externalID string) string {
	tb.Helper()
	var s string
	err := e.pool.QueryRow(context.Background(), `SELECT body FROM messages WHERE channel_id = $1 AND external_id = $2`,
		e.ch, externalID).Scan(&s)
	if err != nil {
		tb.Fatalf("message %s: %v", externalID, err)
	}
	return s
}

// update reads testdata/updates/name.json.
func update(tb testing.TB, name string) ([]byte, tgbotapi.Update) {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "updates", name+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return raw, u
}

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
