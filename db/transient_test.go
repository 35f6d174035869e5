package db_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/db/dbtest"
)

// TestIsTransient classifies errors met on a real server (a terminated
// backend, a port nobody listens on, a bad statement, a duplicate key)
// and plain ones, wrapped as the stores wrap them.
func TestIsTransient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)

	// A backend terminated by the administrator: 57P01, then a dead
	// connection.
	victim, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig)
	if err != nil {
		t.Fatal(err)
	}
	defer victim.Close(ctx)
	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, victim.PgConn().PID()); err != nil {
		t.Fatal(err)
	}
	_, terminated := victim.Exec(ctx, `SELECT 1`)

	// Nobody listens on the port of a listener just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	cfg := pool.Config().ConnConfig.Copy()
	cfg.Host, cfg.Port, cfg.ConnectTimeout = "127.0.0.1", uint16(addr.Port), 5*time.Second
	_, refused := pgx.ConnectConfig(ctx, cfg)

	_, syntax := pool.Exec(ctx, `SELEC 1`)
	_, duplicate := pool.Exec(ctx, `INSERT INTO channels (id, kind, name) VALUES (1, 'sms', 'a'), (1, 'sms', 'b')`)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, canceled := pool.Exec(cancelled, `SELECT 1`)

	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"terminated backend", terminated, true},
		{"connection refused", refused, true},
		{"cannot connect now", &pgconn.PgError{Code: "57P03"}, true},
		{"connection exception class 08", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"reset by peer", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, true},
		{"unexpected EOF", fmt.Errorf("inbox: ingest: %w", io.ErrUnexpectedEOF), true},
		{"syntax error", syntax, false},
		{"duplicate key", duplicate, false},
		{"caller cancelled", canceled, false},
		{"bad password", &pgconn.PgError{Code: "28P01"}, false},
		{"not found", errors.New("not found"), false},
		{"nil", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want && tc.err == nil {
				t.Fatal("the case produced no error")
			}
			wrapped := fmt.Errorf("inbox: channel 1: %w", tc.err)
			if tc.err == nil {
				wrapped = nil
			}
			if got := db.IsTransient(wrapped); got != tc.want {
				t.Fatalf("IsTransient(%v) = %v, want %v", wrapped, got, tc.want)
			}
		})
	}
}
