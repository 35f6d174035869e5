package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

// TestCreateChannelWithoutSecretKey: without PEYK_SECRET_KEY a channel
// with secrets is refused as bad input, and nothing is stored.
func TestCreateChannelWithoutSecretKey(t *testing.T) {
	pool := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := &app{pool: pool, log: log, ib: inbox.New(pool, inbox.Config{}, nil), kinds: knownKinds()}
	_, err := newChannelAdmin(a).Create(context.Background(), "phone", "pbx",
		json.RawMessage(`{"ours":["+982100000000"],"secret":"0123456789abcdef0123"}`))
	if !errors.Is(err, crm.ErrInvalid) || !errors.Is(err, inbox.ErrNoSecretKey) {
		t.Fatalf("err = %v, want ErrNoSecretKey (invalid)", err)
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM channels`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d channels stored (%v)", n, err)
	}
}
