package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

// channelAdmin implements web.Channels, web.Webhooks and the channel CLI
// on the drivers of the registry.
type channelAdmin struct {
	ib     *inbox.Inbox
	kinds  *channels.Registry
	status *channels.StatusBoard
	log    *slog.Logger
	// hooks caches built webhook handlers (see hookTTL).
	hooks *hookCache
	// changed is signalled (without blocking) when a channel is changed
	// through this admin, so this process's receivers look at once.
	changed chan struct{}
}

func newChannelAdmin(a *app) *channelAdmin {
	return &channelAdmin{ib: a.ib, kinds: a.kinds, status: a.statusBoard(), log: a.logger(),
		hooks: newHookCache(), changed: make(chan struct{}, 1)}
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

// Status reports how channel id is doing in this process.
func (c *channelAdmin) Status(ctx context.Context, id int64) (channels.Status, error) {
	if _, err := c.ib.Channel(ctx, id); err != nil {
		return channels.Status{}, err
	}
	return c.status.Status(id), nil
}

// public returns ch with its config as its driver shows it.
func (c *channelAdmin) public(ch inbox.Channel) inbox.Channel {
	if d, ok := c.kinds.Driver(ch.Kind); ok {
		ch.Config = d.Public(ch.Config)
	}
	return ch
}

// check validates raw settings of kind k and splits them into the public
// config and the secrets; errors wrap crm.ErrInvalid.
func (c *channelAdmin) check(k channels.Kind, raw json.RawMessage) (*channels.Driver, any, any, error) {
	d, ok := c.kinds.Driver(k)
	if !ok {
		return nil, nil, nil, fmt.Errorf("channel kind %q (this build knows %v): %w", k, c.kinds.Kinds(), crm.ErrInvalid)
	}
	full, err := d.Check(raw)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s settings: %w", k, err)
	}
	public, secrets, err := d.Split(full)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s settings: %w", k, err)
	}
	return d, public, secrets, nil
}

// Create validates the settings of a channel of kind and stores it, its
// secrets encrypted.
func (c *channelAdmin) Create(ctx context.Context, kindName, name string, raw json.RawMessage) (inbox.Channel, error) {
	d, config, secrets, err := c.check(channels.Kind(kindName), raw)
	if err != nil {
		return inbox.Channel{}, err
	}
	id, err := c.ib.AddChannel(ctx, d.Kind, name, config, secrets)
	if err != nil {
		return inbox.Channel{}, err
	}
	ch, err := c.ib.Channel(ctx, id)
	if err != nil {
		return c.public(ch), err
	}
	if err := c.setup(ctx, d, ch); err != nil {
		return c.public(ch), fmt.Errorf("channel %d created, but registering it with the provider failed (test the channel to retry): %w", id, err)
	}
	return c.public(ch), nil
}

// setup registers ch with its provider, when its kind does that.
func (c *channelAdmin) setup(ctx context.Context, d *channels.Driver, ch inbox.Channel) error {
	if d.Setup == nil {
		return nil
	}
	in, err := instance(ctx, c.ib, ch, c.log, c.status)
	if err != nil {
		return err
	}
	err = d.Setup(ctx, in)
	c.status.Failed(ch.ID, err)
	return err
}

// Test checks a channel's connection. A kind without a connection test
// (phone, SMS) answers an error wrapping web.ErrNotApplicable.
func (c *channelAdmin) Test(ctx context.Context, id int64) error {
	ch, err := c.ib.Channel(ctx, id)
	if err != nil {
		return err
	}
	d, ok := c.kinds.Driver(ch.Kind)
	if !ok || d.Tester == nil {
		return fmt.Errorf("channel %d (%s): %w", id, ch.Kind, web.ErrNotApplicable)
	}
	in, err := instance(ctx, c.ib, ch, c.log, c.status)
	if err != nil {
		return err
	}
	t, err := d.Tester(ctx, in)
	if err == nil {
		err = t.Test(ctx)
	}
	if err != nil {
		c.status.Failed(id, err)
		return err
	}
	return c.setup(ctx, d, ch)
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
	d, ok := c.kinds.Driver(ch.Kind)
	if !ch.Enabled || !ok || d.Webhook == nil {
		return nil, fmt.Errorf("channel %d has no webhook: %w", id, crm.ErrNotFound)
	}
	in, err := instance(ctx, c.ib, ch, c.log, c.status)
	if err != nil {
		return nil, fmt.Errorf("channel %d webhook: %w", id, err)
	}
	hooks, err := d.Webhook(ctx, in)
	if err != nil {
		c.status.Failed(id, err)
		return nil, fmt.Errorf("channel %d webhook: %w", id, err)
	}
	h := hooks[part]
	if h == nil {
		return nil, fmt.Errorf("channel %d has no webhook %q: %w", id, part, crm.ErrNotFound)
	}
	return h, nil
}

// instance is what a driver's builders get of stored channel ch: its
// whole settings, the inbox to hand messages to, a logger and the status
// board.
func instance(ctx context.Context, ib *inbox.Inbox, ch inbox.Channel, log *slog.Logger, status *channels.StatusBoard) (channels.Instance, error) {
	raw, err := channelSettings(ctx, ib, ch)
	if err != nil {
		return channels.Instance{}, err
	}
	return channels.Instance{ChannelID: ch.ID, Settings: raw, Store: ib, Log: log, Status: status}, nil
}

// channelSettings returns a channel's whole settings: its public config
// with its decrypted secrets laid over it. (Channels stored before the
// driver contract keep all their settings among the secrets; the overlay
// reads them the same way.)
func channelSettings(ctx context.Context, ib *inbox.Inbox, ch inbox.Channel) (json.RawMessage, error) {
	all := map[string]json.RawMessage{}
	if len(ch.Config) > 0 {
		if err := json.Unmarshal(ch.Config, &all); err != nil {
			return nil, fmt.Errorf("channel %d config: %w", ch.ID, err)
		}
	}
	var sec map[string]json.RawMessage
	if err := ib.Secrets(ctx, ch.ID, &sec); err != nil {
		return nil, err
	}
	for k, v := range sec {
		all[k] = v
	}
	return json.Marshal(all)
}
