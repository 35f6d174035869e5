package chanstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/chanstore"
)

type env struct {
	pool *pgxpool.Pool
	st   *chanstore.Store
	sms  int64 // an SMS channel
	mail int64 // an email channel
}

func newEnv(t testing.TB) env {
	t.Helper()
	pool := dbtest.New(t)
	st := chanstore.New(pool, "", nil)
	ctx := context.Background()
	sms, err := st.CreateChannel(ctx, channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	mail, err := st.CreateChannel(ctx, channels.Email, "support", nil)
	if err != nil {
		t.Fatal(err)
	}
	return env{pool: pool, st: st, sms: sms, mail: mail}
}

func TestChannelSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	type secrets struct{ Password string }
	if err := e.st.SetSecrets(ctx, e.mail, secrets{"hunter2"}); !errors.Is(err, chanstore.ErrNoSecretKey) {
		t.Fatalf("without a key: %v", err)
	}
	keyed := chanstore.New(e.pool, "k1", nil)
	if err := keyed.SetSecrets(ctx, e.mail, secrets{"hunter2"}); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	_ = e.pool.QueryRow(ctx, `SELECT secrets FROM channels WHERE id = $1`, e.mail).Scan(&raw)
	if len(raw) == 0 || bytes.Contains(raw, []byte("hunter2")) {
		t.Fatalf("secrets stored in clear: %q", raw)
	}
	var got secrets
	if err := keyed.Secrets(ctx, e.mail, &got); err != nil || got.Password != "hunter2" {
		t.Fatalf("secrets = %+v, %v", got, err)
	}
	other := chanstore.New(e.pool, "k2", nil)
	if err := other.Secrets(ctx, e.mail, &got); err == nil {
		t.Fatal("secrets opened with the wrong key")
	}
	if err := keyed.SetSecrets(ctx, 9999, secrets{}); !errors.Is(err, chanstore.ErrNotFound) {
		t.Fatalf("unknown channel: %v", err)
	}
	list, err := keyed.Channels(ctx)
	if err != nil || len(list) != 2 || list[1].Kind != channels.Email {
		t.Fatalf("channels = %+v, %v", list, err)
	}
	if _, err := keyed.CreateChannel(ctx, "", "x", nil); !errors.Is(err, chanstore.ErrInvalid) {
		t.Fatalf("channel without kind: %v", err)
	}
}

func TestSetCursor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if err := e.st.SetCursor(ctx, e.mail, "v1:42"); err != nil {
		t.Fatal(err)
	}
	if c, err := e.st.Channel(ctx, e.mail); err != nil || c.Cursor != "v1:42" {
		t.Fatalf("channel = %+v, %v; want cursor v1:42", c, err)
	}
	if err := e.st.SetCursor(ctx, 9999, "x"); !errors.Is(err, chanstore.ErrNotFound) {
		t.Fatalf("unknown channel: %v", err)
	}
}
