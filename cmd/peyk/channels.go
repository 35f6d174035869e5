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
	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
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

// channelAdmin implements web.Channels, web.Webhooks and the channel CLI
// on the kinds this build knows.
type channelAdmin struct {
	ib    *inbox.Inbox
	kinds map[string]kind
	log   *slog.Logger
	// hooks caches built webhook handlers (see hookTTL).
	hooks *hookCache
	// changed is signalled (without blocking) when a channel is changed
	// through this admin, so this process's receivers look at once.
	changed chan struct{}
}

func newChannelAdmin(a *app) *channelAdmin {
	log := a.log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &channelAdmin{ib: a.ib, kinds: a.kinds, log: log, hooks: newHookCache(), changed: make(chan struct{}, 1)}
}

// touched drops what was built from channel id's old settings and tells
// this process's receivers.
func (c *channelAdmin) touched(id int64) {
	c.hooks.forget(id)
	select {
	case c.changed <- struct{}{}:
	default:
	}
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

// Test checks a channel's connection. A kind without a connection test
// (phone, SMS) answers an error wrapping web.ErrNotApplicable.
func (c *channelAdmin) Test(ctx context.Context, id int64) error {
	ch, err := c.ib.Channel(ctx, id)
	if err != nil {
		return err
	}
	k, ok := c.kinds[string(ch.Kind)]
	if !ok || k.test == nil {
		return fmt.Errorf("channel %d (%s): %w", id, ch.Kind, web.ErrNotApplicable)
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
// rest of the path. A channel without such a webhook, or disabled, is
// ErrNotFound. Handlers are cached for hookTTL, and for up to hookStale
// more while the database cannot be reached, so that a cached channel
// still authenticates its provider's calls during a database blip.
func (c *channelAdmin) Webhook(ctx context.Context, id int64, part string) (http.Handler, error) {
	if h, ok := c.hooks.get(id, part, hookTTL); ok {
		return h, nil
	}
	h, err := c.buildWebhook(ctx, id, part)
	if err != nil && db.IsTransient(err) {
		if h, ok := c.hooks.get(id, part, hookTTL+hookStale); ok {
			c.log.Warn("webhook: database unreachable; using the cached channel settings",
				"channel_id", id, "err", err)
			return h, nil
		}
	}
	if err != nil {
		if !db.IsTransient(err) {
			c.hooks.forget(id)
		}
		return nil, err
	}
	c.hooks.put(id, part, h)
	return h, nil
}

// buildWebhook loads channel id and builds the handler of its webhook.
func (c *channelAdmin) buildWebhook(ctx context.Context, id int64, part string) (http.Handler, error) {
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
