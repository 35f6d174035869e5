package main

import (
	"context"
	"fmt"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

// senders builds the sender of a channel from its stored configuration
// and secrets, by kind. It implements workers.Senders.
type senders struct {
	ib    *inbox.Inbox
	kinds map[string]kind
}

func newSenders(a *app) *senders { return &senders{ib: a.ib, kinds: a.kinds} }

// Sender returns the sender of channel id.
func (s *senders) Sender(ctx context.Context, id int64) (channels.Sender, error) {
	ch, err := s.ib.Channel(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ch.Enabled {
		return nil, fmt.Errorf("channel %d (%s) is disabled: %w", id, ch.Name, channels.ErrPermanent)
	}
	k, ok := s.kinds[string(ch.Kind)]
	if !ok || k.sender == nil {
		return nil, fmt.Errorf("channel kind %q cannot send in this build: %w", ch.Kind, channels.ErrPermanent)
	}
	return k.sender(ctx, ch, s.ib)
}
