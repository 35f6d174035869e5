package main

import (
	"context"
	"sync"
	"time"
)

// runReceivers runs the receiver of every enabled channel that pulls its
// messages (IMAP, Telegram polling, Kavenegar polling), each in the one
// process that owns the channel (inbox.Own), until ctx ends. It looks for
// new, changed and disabled channels every 30 seconds.
func runReceivers(ctx context.Context, a *app) {
	var wg sync.WaitGroup
	defer wg.Wait() // every receiver stopped before the pool closes
	type run struct {
		stamp  time.Time
		cancel context.CancelFunc
	}
	running := make(map[int64]run)
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		chs, err := a.ib.Channels(ctx)
		if err != nil && ctx.Err() == nil {
			a.log.Warn("receivers: list channels", "err", err)
		}
		seen := make(map[int64]bool)
		for _, ch := range chs {
			k, ok := a.kinds[string(ch.Kind)]
			if !ch.Enabled || !ok || k.receiver == nil {
				continue
			}
			seen[ch.ID] = true
			if r, ok := running[ch.ID]; ok && r.stamp.Equal(ch.UpdatedAt) {
				continue
			} else if ok {
				r.cancel() // settings changed: start again with the new ones
			}
			rctx, cancel := context.WithCancel(ctx)
			running[ch.ID] = run{stamp: ch.UpdatedAt, cancel: cancel}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = a.ib.Own(rctx, ch.ID, 5*time.Second, func(ctx context.Context) error {
					return receive(ctx, a, ch.ID, k)
				})
			}()
		}
		for id, r := range running {
			if !seen[id] {
				r.cancel()
				delete(running, id)
			}
		}
		select {
		case <-ctx.Done():
			for _, r := range running {
				r.cancel()
			}
			return
		case <-t.C:
		}
	}
}

// receive runs one channel's receiver from its committed cursor, read
// after the ownership lock is taken.
func receive(ctx context.Context, a *app, id int64, k kind) error {
	ch, err := a.ib.Channel(ctx, id)
	if err != nil {
		return err
	}
	r, err := k.receiver(ctx, ch, a.ib)
	if err != nil {
		a.log.Warn("receiver: build", "channel", id, "err", err)
		return err
	}
	if r == nil { // this channel's settings do not pull (a webhook bot)
		<-ctx.Done()
		return nil
	}
	a.log.Info("receiver: running", "channel", id, "kind", ch.Kind)
	err = r.Run(ctx, ch.Cursor, a.ib)
	if err != nil && ctx.Err() == nil {
		a.log.Warn("receiver: stopped", "channel", id, "err", err)
	}
	return err
}
