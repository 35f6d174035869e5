package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
)

// kind is what cmd knows of one channel kind: how to read its settings
// (splitting out the secrets), test them, and build its sender.
type kind struct {
	// parse validates raw JSON settings and returns the public config and
	// the secrets, stored apart (encrypted).
	parse func(raw json.RawMessage) (config, secrets any, err error)
	// test checks the connection of a stored channel.
	test func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) error
	// sender builds the channel's sender.
	sender func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (channels.Sender, error)
}

// channelAdmin implements web.Channels and the channel CLI on the kinds
// this build knows.
type channelAdmin struct {
	ib    *inbox.Inbox
	kinds map[string]kind
}

func newChannelAdmin(a *app) *channelAdmin {
	return &channelAdmin{ib: a.ib, kinds: knownKinds()}
}

// List returns every channel (without secrets).
func (c *channelAdmin) List(ctx context.Context) ([]inbox.Channel, error) { return c.ib.Channels(ctx) }

// Create validates the settings of a channel of kind and stores it, its
// secrets encrypted.
func (c *channelAdmin) Create(ctx context.Context, kindName, name string, raw json.RawMessage) (inbox.Channel, error) {
	k, ok := c.kinds[kindName]
	if !ok {
		return inbox.Channel{}, fmt.Errorf("channel kind %q (this build knows %v): %w", kindName, kindNames(c.kinds), crm.ErrInvalid)
	}
	config, secrets, err := k.parse(raw)
	if err != nil {
		return inbox.Channel{}, fmt.Errorf("%s settings: %v: %w", kindName, err, crm.ErrInvalid)
	}
	id, err := c.ib.CreateChannel(ctx, channels.Kind(kindName), name, config)
	if err != nil {
		return inbox.Channel{}, err
	}
	if secrets != nil {
		if err := c.ib.SetSecrets(ctx, id, secrets); err != nil {
			return inbox.Channel{}, err
		}
	}
	return c.ib.Channel(ctx, id)
}

// Test checks a channel's connection.
func (c *channelAdmin) Test(ctx context.Context, id int64) error {
	ch, err := c.ib.Channel(ctx, id)
	if err != nil {
		return err
	}
	k, ok := c.kinds[string(ch.Kind)]
	if !ok || k.test == nil {
		return fmt.Errorf("channel kind %q has no connection test", ch.Kind)
	}
	return k.test(ctx, ch, c.ib)
}

func kindNames(m map[string]kind) []string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	return out
}

// knownKinds lists the channel kinds of this build.
func knownKinds() map[string]kind {
	return map[string]kind{}
}
