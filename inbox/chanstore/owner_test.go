package chanstore_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/peykhq/peyk/inbox/chanstore"
)

// TestOwnOneAtATime: two processes want one mailbox; one owns it, and when
// it stops the other takes over.
func TestOwnOneAtATime(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := chanstore.New(e.pool, "", nil)
	var running, maxRunning, runs atomic.Int32
	work := func(ctx context.Context) error {
		n := running.Add(1)
		defer running.Add(-1)
		runs.Add(1)
		for {
			if m := maxRunning.Load(); n > m {
				maxRunning.CompareAndSwap(m, n)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	doneA := make(chan struct{})
	go func() { defer close(doneA); _ = e.st.Own(ctxA, e.mail, 50*time.Millisecond, work) }()
	for runs.Load() == 0 { // A owns the channel before B asks
		time.Sleep(10 * time.Millisecond)
	}
	go func() { _ = other.Own(ctxB, e.mail, 50*time.Millisecond, work) }()
	time.Sleep(500 * time.Millisecond)
	if runs.Load() != 1 || running.Load() != 1 {
		t.Fatalf("runs %d, running %d; want one owner", runs.Load(), running.Load())
	}
	stopA() // the owner dies
	<-doneA
	deadline := time.Now().Add(5 * time.Second)
	for runs.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no takeover within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if maxRunning.Load() != 1 {
		t.Fatalf("%d owners at once", maxRunning.Load())
	}
}

// TestOwnCountsErrors: a receiver that stops with an error is counted
// (peyk_channel_receiver_errors_total); one that stops cleanly is not.
func TestOwnCountsErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		err  error
		want float64
	}{
		{"error", errors.New("imap: connection reset"), 2},
		{"clean stop", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := prometheus.NewCounter(prometheus.CounterOpts{Name: "receiver_errors_total"})
			st := chanstore.New(e.pool, "", errs)
			// Ownership locks are the database's, shared with other
			// tests' schemas: a channel id of its own keeps this one's.
			id := 1<<40 + rand.Int64N(1<<30)
			if _, err := e.pool.Exec(context.Background(), `INSERT INTO channels (id, kind, name) VALUES ($1, 'sms', 'own')`, id); err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithTimeout(context.Background(), time.Minute)
			defer stop()
			var runs atomic.Int32
			err := st.Own(ctx, id, 10*time.Millisecond, func(context.Context) error {
				if runs.Add(1) == 3 {
					stop()
				}
				return tc.err
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Own = %v, want context.Canceled", err)
			}
			reg := prometheus.NewRegistry()
			reg.MustRegister(errs)
			mfs, err := reg.Gather()
			if err != nil || len(mfs) != 1 {
				t.Fatalf("gather: %v, %v", mfs, err)
			}
			if got := mfs[0].GetMetric()[0].GetCounter().GetValue(); got != tc.want {
				t.Fatalf("%v errors counted, want %v", got, tc.want)
			}
		})
	}
}
