package workers_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/workers"
)

// slowSender blocks its first send until its context ends, as a send cut
// off by a shutdown would; later sends go through.
type slowSender struct {
	started chan struct{}
	calls   atomic.Int32
}

func (s *slowSender) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	if s.calls.Add(1) == 1 {
		close(s.started)
		<-ctx.Done()
		return channels.SendResult{}, ctx.Err()
	}
	return channels.SendResult{ExternalID: "ok"}, nil
}

func (s *slowSender) Sender(context.Context, int64) (channels.Sender, error) { return s, nil }

// TestShutdownLosesNoTask: a delivery running when the worker shuts down
// goes back to its queue and is sent by the next worker.
func TestShutdownLosesNoTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sender := &slowSender{started: make(chan struct{})}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := workers.Config{ShutdownTimeout: 300 * time.Millisecond, ReconcileEvery: time.Hour}
	first := workers.NewServer(f.redis, cfg, f.ib, sender, nil, log)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	id := f.reply(t, "sent across a restart")
	if err := workers.EnqueueDelivery(context.Background(), f.client, id, workers.QueueDefault); err != nil {
		t.Fatal(err)
	}
	select {
	case <-sender.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the send never started")
	}
	first.Shutdown()
	if d, _ := f.ib.Delivery(context.Background(), id); d.Status != "queued" || d.Attempts != 0 {
		t.Fatalf("after shutdown: %s, %d attempts; want queued and untouched", d.Status, d.Attempts)
	}
	second := workers.NewServer(f.redis, cfg, f.ib, sender, nil, log)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	defer second.Shutdown()
	f.waitStatus(t, id, "sent")
}
