package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/telegram"
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
	// setup registers a stored channel with its provider (Telegram's
	// setWebhook); it runs on create and again on every test.
	setup func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) error
	// sender builds the channel's sender.
	sender func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (channels.Sender, error)
	// webhook returns the handler of a webhook of the channel (part is the
	// rest of the path: "", "in", "status"); nil for none.
	webhook func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox, part string) (http.Handler, error)
	// receiver returns the channel's receiver when it pulls messages
	// itself (IMAP, Telegram polling); nil when it does not.
	receiver func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (channels.Receiver, error)
	// public, when set, masks the secrets left in a stored public config
	// before it is shown (channels stored before a rule masked them).
	public func(config json.RawMessage) json.RawMessage
}

// channelAdmin implements web.Channels and the channel CLI on the kinds
// this build knows.
type channelAdmin struct {
	ib    *inbox.Inbox
	kinds map[string]kind
}

func newChannelAdmin(a *app) *channelAdmin {
	return &channelAdmin{ib: a.ib, kinds: a.kinds}
}

// List returns every channel, its secrets masked.
func (c *channelAdmin) List(ctx context.Context) ([]inbox.Channel, error) {
	cs, err := c.ib.Channels(ctx)
	for i := range cs {
		cs[i] = c.public(cs[i])
	}
	return cs, err
}

// public returns ch with its kind's masking applied to its config.
func (c *channelAdmin) public(ch inbox.Channel) inbox.Channel {
	if k, ok := c.kinds[string(ch.Kind)]; ok && k.public != nil {
		ch.Config = k.public(ch.Config)
	}
	return ch
}

// Create validates the settings of a channel of kind and stores it, its
// secrets encrypted.
func (c *channelAdmin) Create(ctx context.Context, kindName, name string, raw json.RawMessage) (inbox.Channel, error) {
	k, ok := c.kinds[kindName]
	if !ok {
		return inbox.Channel{}, fmt.Errorf("channel kind %q (this build knows %v): %w", kindName, kindNames(c.kinds), crm.ErrInvalid)
	}
	config, secrets, err := k.parse(raw)
	if errors.Is(err, crm.ErrInvalid) {
		return inbox.Channel{}, fmt.Errorf("%s settings: %w", kindName, err)
	}
	if err != nil {
		return inbox.Channel{}, fmt.Errorf("%s settings: %v: %w", kindName, err, crm.ErrInvalid)
	}
	id, err := c.ib.AddChannel(ctx, channels.Kind(kindName), name, config, secrets)
	if err != nil {
		return inbox.Channel{}, err
	}
	ch, err := c.ib.Channel(ctx, id)
	if err != nil || k.setup == nil {
		return c.public(ch), err
	}
	if err := k.setup(ctx, ch, c.ib); err != nil {
		return c.public(ch), fmt.Errorf("channel %d created, but registering it with the provider failed (test the channel to retry): %w", id, err)
	}
	return c.public(ch), nil
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
	if err := k.test(ctx, ch, c.ib); err != nil {
		return err
	}
	if k.setup != nil {
		return k.setup(ctx, ch, c.ib)
	}
	return nil
}

func kindNames(m map[string]kind) []string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	return out
}

// knownKinds lists the channel kinds of this build.
func knownKinds(log *slog.Logger) map[string]kind {
	return map[string]kind{
		string(channels.SMS):      smsKind(log),
		string(channels.Telegram): telegramKind(log, newCache[*telegram.Bot]()),
		string(channels.Phone):    phoneKind(),
		string(channels.Email):    emailKind(log),
	}
}

// Webhook returns the handler for a webhook of channel id; part is the
// rest of the path. A channel without such a webhook is ErrNotFound.
func (c *channelAdmin) Webhook(ctx context.Context, id int64, part string) (http.Handler, error) {
	ch, err := c.ib.Channel(ctx, id)
	if err != nil {
		return nil, err
	}
	k, ok := c.kinds[string(ch.Kind)]
	if !ch.Enabled || !ok || k.webhook == nil {
		return nil, fmt.Errorf("channel %d has no webhook: %w", id, crm.ErrNotFound)
	}
	h, err := k.webhook(ctx, ch, c.ib, part)
	if err != nil {
		return nil, fmt.Errorf("channel %d webhook: %w", id, err)
	}
	if h == nil {
		return nil, fmt.Errorf("channel %d has no webhook %q: %w", id, part, crm.ErrNotFound)
	}
	return h, nil
}
