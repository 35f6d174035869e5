package main

import (
	"context"
	"fmt"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

// senders builds the sender of a channel from its stored settings, by its
// kind's driver. It implements workers.Senders.
type senders struct {
	ib    *inbox.Inbox
	kinds *channels.Registry
	a     *app
}

func newSenders(a *app) *senders { return &senders{ib: a.ib, kinds: a.kinds, a: a} }

// Sender returns the sender of channel id.
func (s *senders) Sender(ctx context.Context, id int64) (channels.Sender, error) {
	ch, err := s.ib.Channel(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ch.Enabled {
		return nil, fmt.Errorf("channel %d (%s) is disabled: %w", id, ch.Name, channels.ErrPermanent)
	}
	d, ok := s.kinds.Driver(ch.Kind)
	if !ok || d.Sender == nil {
		return nil, fmt.Errorf("channel kind %q cannot send in this build: %w", ch.Kind, channels.ErrPermanent)
	}
	in, err := instance(ctx, s.ib, ch, s.a.logger(), s.a.statusBoard())
	if err != nil {
		return nil, err
	}
	snd, err := d.Sender(ctx, in)
	if err != nil {
		s.a.statusBoard().Failed(id, err)
		return nil, err
	}
	if snd == nil {
		return nil, fmt.Errorf("channel %d (%s) does not send with its settings: %w", id, ch.Kind, channels.ErrPermanent)
	}
	return snd, nil
}
