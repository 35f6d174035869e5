package chanstore_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

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
