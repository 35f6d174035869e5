package inbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
)

// TestGaveUpCallerLeavesCursor: a receiver killed while its batch waits to
// commit is restarted and writes a newer cursor; the late commit of the
// batch it gave up on stores the messages but must not move the cursor back.
func TestGaveUpCallerLeavesCursor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	first := smsFrom(e.sms, "+989121110000", "c-1")
	first.Cursor = "1"
	if err := e.ib.Ingest(ctx, []channels.Inbound{first}); err != nil {
		t.Fatal(err)
	}

	// The restarted run holds the channel's row while it writes cursor 3.
	restart, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer restart.Rollback(ctx)
	if _, err := restart.Exec(ctx, `UPDATE channels SET cursor = '3' WHERE id = $1`, e.sms); err != nil {
		t.Fatal(err)
	}

	late := smsFrom(e.sms, "+989121110000", "c-2")
	late.Cursor = "2"
	callCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.ib.Ingest(callCtx, []channels.Inbound{late}) }()
	waitFor(t, "the late commit to wait for the channel's row", func() bool {
		return e.count(t, `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%FROM channels%FOR NO KEY UPDATE%'`) > 0
	})
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Ingest returned %v, want context.Canceled", err)
	}
	if err := restart.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the late commit", func() bool {
		return e.count(t, `SELECT count(*) FROM messages WHERE external_id = 'c-2'`) == 1
	})
	ch, err := e.ib.Channel(ctx, e.sms)
	if err != nil || ch.Cursor != "3" {
		t.Fatalf("cursor = %q, %v; want the restarted run's 3", ch.Cursor, err)
	}

	t.Run("a caller that gave up before calling stores nothing", func(t *testing.T) {
		gone, cancel := context.WithCancel(ctx)
		cancel()
		never := smsFrom(e.sms, "+989121110000", "c-never")
		never.Cursor = "9"
		if err := e.ib.Ingest(gone, []channels.Inbound{never}); !errors.Is(err, context.Canceled) {
			t.Fatalf("Ingest returned %v, want context.Canceled", err)
		}
		next := smsFrom(e.sms, "+989121110000", "c-4")
		next.Cursor = "4"
		if err := e.ib.Ingest(ctx, []channels.Inbound{next}); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, `SELECT count(*) FROM messages WHERE external_id = 'c-never'`); n != 0 {
			t.Fatalf("%d messages stored from a caller that had given up", n)
		}
		if ch, err := e.ib.Channel(ctx, e.sms); err != nil || ch.Cursor != "4" {
			t.Fatalf("cursor = %q, %v; want 4", ch.Cursor, err)
		}
	})
}

// waitFor polls cond every 10 ms for up to 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
