package whatsapp

import (
	"context"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/whatsapp/whatsapptest"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

const (
	testToken       = "EAAGtestTOKENpeyk"
	testAppSecret   = "0123456789abcdef0123456789abcdef"
	testVerifyToken = "peyk-verify-7f3a"
)

var testSecrets = Secrets{AccessToken: testToken, AppSecret: testAppSecret, VerifyToken: testVerifyToken}

// env is a real inbox on PostgreSQL with one WhatsApp channel, and a
// Graph API stand-in.
type env struct {
	pool *pgxpool.Pool
	ib   *inbox.Inbox
	ch   int64
	api  *whatsapptest.Server
}

var _ Sink = (*inbox.Inbox)(nil)

func newEnv(tb testing.TB) *env {
	tb.Helper()
	pool := dbtest.New(tb)
	ib := inbox.New(pool, inbox.Config{}, nil)
	ch, err := ib.CreateChannel(context.Background(), Kind, "whatsapp", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &env{pool: pool, ib: ib, ch: ch, api: newAPI(tb)}
}

// newAPI starts a stand-in accepting the test token and secret.
func newAPI(tb testing.TB) *whatsapptest.Server {
	return whatsapptest.NewServer(tb, testToken, testAppSecret)
}

// newClient returns a client of channelID on the stand-in.
func newClient(tb testing.TB, api *whatsapptest.Server, channelID int64, adjust func(*Config)) *Client {
	tb.Helper()
	cfg := Config{PhoneNumberID: whatsapptest.PhoneNumberID, BaseURL: api.URL}
	if adjust != nil {
		adjust(&cfg)
	}
	log := slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := New(channelID, cfg, testSecrets, log)
	if err != nil {
		tb.Fatal(err)
	}
	return c
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

// ingestOut stores an outbound message with the given external id, as
// the deliver worker leaves one after a send, so statuses have something
// to update.
func (e *env) ingestOut(tb testing.TB, externalID string) {
	tb.Helper()
	err := e.ib.Ingest(context.Background(), []channels.Inbound{{ChannelID: e.ch, ExternalID: externalID,
		Direction: channels.Out, Kind: channels.KindText, Text: "ارسال شد",
		From: channels.Identity{Kind: Identity, Value: whatsapptest.Customer}}})
	if err != nil {
		tb.Fatal(err)
	}
}
