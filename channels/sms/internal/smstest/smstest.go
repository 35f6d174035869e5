// Package smstest holds what the SMS drivers' tests share.
package smstest

import (
	"context"
	"sync"

	"github.com/peykhq/peyk/channels"
)

// Recorder records the updates it passes on to Next (the inbox).
type Recorder struct {
	Next channels.Updater
	mu   sync.Mutex
	got  []channels.Update
}

// Update records us and passes them on.
func (r *Recorder) Update(ctx context.Context, us []channels.Update) (int, error) {
	r.mu.Lock()
	r.got = append(r.got, us...)
	r.mu.Unlock()
	return r.Next.Update(ctx, us)
}

// Updates returns the updates recorded so far.
func (r *Recorder) Updates() []channels.Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]channels.Update(nil), r.got...)
}
