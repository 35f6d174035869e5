package main

import (
	"context"
	"sync"
	"time"

	"github.com/peykhq/peyk/channels"
)

// receiverRescan is how often runReceivers looks for new, changed and
// disabled channels; a change made through this process's channelAdmin is
// seen at once.
const receiverRescan = 10 * time.Second

// runReceivers runs the receiver of every enabled channel that pulls its
// messages (IMAP, Telegram polling, Kavenegar polling), each in the one
// process that owns the channel (inbox.Own), until ctx ends. It looks for
// new, changed and disabled channels every receiverRescan and whenever
// changed is signalled (nil: never). Every state change is logged with
// the channel's id: started, owner acquired, stopped (with the reason),
// owner released, error.
func runReceivers(ctx context.Context, a *app, changed <-chan struct{}) {
	var wg sync.WaitGroup
	defer wg.Wait() // every receiver stopped before the pool closes
	type run struct {
		stamp  time.Time
		cancel context.CancelFunc
	}
	running := make(map[int64]run)
	stop := func(id int64, r run, reason string) {
		r.cancel()
		delete(running, id)
		a.statusBoard().Receiver(id, channels.StateStopped)
		a.log.Info("receiver stopped", "channel_id", id, "reason", reason)
	}
	t := time.NewTicker(receiverRescan)
	defer t.Stop()
	for {
		chs, err := a.ib.Channels(ctx)
		if err != nil && ctx.Err() == nil {
			a.log.Warn("receivers: list channels", "err", err)
		}
		seen := make(map[int64]bool)
		for _, ch := range chs {
			d, ok := a.kinds.Driver(ch.Kind)
			if !ch.Enabled || !ok || d.Receiver == nil {
				continue
			}
			seen[ch.ID] = true
			if r, ok := running[ch.ID]; ok && r.stamp.Equal(ch.UpdatedAt) {
				continue
			} else if ok {
				stop(ch.ID, r, "settings changed") // start again with the new ones
			}
			rctx, cancel := context.WithCancel(ctx)
			running[ch.ID] = run{stamp: ch.UpdatedAt, cancel: cancel}
			a.log.Info("receiver started", "channel_id", ch.ID, "kind", ch.Kind)
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = a.ib.Own(rctx, ch.ID, 5*time.Second, func(ctx context.Context) error {
					a.log.Info("receiver owner acquired", "channel_id", ch.ID)
					err := receive(ctx, a, ch.ID, d)
					switch {
					case rctx.Err() != nil: // stopped here: disabled, changed, shutdown
						a.log.Info("receiver owner released", "channel_id", ch.ID)
					case ctx.Err() != nil: // the lock's connection failed
						a.log.Warn("receiver owner lost", "channel_id", ch.ID)
					default: // the receiver ended; ownership is sought again
						a.log.Warn("receiver owner released", "channel_id", ch.ID, "err", err)
					}
					return err
				})
			}()
		}
		if err == nil { // a failed listing stops nothing
			for id, r := range running {
				if !seen[id] {
					stop(id, r, "disabled or deleted")
				}
			}
		}
		select {
		case <-ctx.Done():
			for id, r := range running {
				stop(id, r, "shutting down")
			}
			return
		case <-t.C:
		case <-changed:
		}
	}
}

// receive runs one channel's receiver from its committed cursor, read
// after the ownership lock is taken, and keeps its status.
func receive(ctx context.Context, a *app, id int64, d *channels.Driver) error {
	status := a.statusBoard()
	ch, err := a.ib.Channel(ctx, id)
	if err != nil {
		return err
	}
	in, err := instance(ctx, a.ib, ch, a.logger(), status)
	var r channels.Receiver
	if err == nil {
		r, err = d.Receiver(ctx, in)
	}
	if err != nil {
		status.Receiver(id, channels.StateFailed)
		status.Failed(id, err)
		a.log.Error("receiver error", "channel_id", id, "stage", "build", "err", err)
		return err
	}
	if r == nil { // this channel's settings do not pull (a webhook bot)
		status.Receiver(id, channels.StateIdle)
		<-ctx.Done()
		return nil
	}
	status.Receiver(id, channels.StateRunning)
	a.log.Info("receiver running", "channel_id", id, "kind", ch.Kind, "cursor", ch.Cursor)
	err = r.Run(ctx, ch.Cursor, a.ib)
	if err != nil && ctx.Err() == nil {
		status.Receiver(id, channels.StateFailed)
		status.Failed(id, err)
		a.log.Error("receiver error", "channel_id", id, "stage", "run", "err", err)
	}
	return err
}
