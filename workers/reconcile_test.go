package workers_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/workers"
)

// slowCounting sends slowly and counts sends per message.
type slowCounting struct {
	mu    sync.Mutex
	calls map[int64]int
}

func (s *slowCounting) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	s.mu.Lock()
	s.calls[m.MessageID]++
	s.mu.Unlock()
	time.Sleep(1500 * time.Millisecond) // a slow provider
	return channels.SendResult{ExternalID: "x"}, nil
}
func (s *slowCounting) Sender(context.Context, int64) (channels.Sender, error) { return s, nil }

// TestReconcileKeepsTheMessagesQueue: an automatic message is enqueued on
// "default"; the reconciler enqueues it on the same queue, where its task
// id conflicts (asynq task ids are unique per queue only), so it is sent
// once.
func TestReconcileKeepsTheMessagesQueue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.reply(t, "scheduled text")
	ctx := context.Background()
	if err := workers.EnqueueDelivery(ctx, f.client, id, workers.QueueDefault); err != nil {
		t.Fatal(err)
	}
	n, err := workers.Reconcile(ctx, f.ib, f.client)
	if err != nil || n != 0 {
		t.Fatalf("reconcile enqueued %d new tasks for a message already queued (%v)", n, err)
	}
	s := &slowCounting{calls: map[int64]int{}}
	srv := workers.NewServer(f.redis, workers.Config{ReconcileEvery: time.Hour, SLAEvery: time.Hour}, f.ib, s, nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	f.waitStatus(t, id, "sent")
	time.Sleep(2 * time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls[id] != 1 {
		t.Fatalf("message %d sent %d times, want once", id, s.calls[id])
	}
}
