package web_test

import (
	"context"
	"encoding/json"

	"github.com/peykhq/peyk/inbox"
)

// The lifecycle methods of the inboxChannels test double (api_test.go):
// the real merge of settings is cmd/peyk's, tested there.

func (c inboxChannels) Update(ctx context.Context, id int64, name string, patch json.RawMessage) (inbox.Channel, error) {
	ch, err := c.ib.Channel(ctx, id)
	if err != nil {
		return ch, err
	}
	config := any(ch.Config)
	if len(patch) > 0 {
		config = patch
	}
	if err := c.ib.UpdateChannel(ctx, id, name, config, nil); err != nil {
		return inbox.Channel{}, err
	}
	return c.ib.Channel(ctx, id)
}

func (c inboxChannels) SetEnabled(ctx context.Context, id int64, enabled bool) (inbox.Channel, error) {
	if err := c.ib.SetChannelEnabled(ctx, id, enabled); err != nil {
		return inbox.Channel{}, err
	}
	return c.ib.Channel(ctx, id)
}

func (c inboxChannels) Delete(ctx context.Context, id int64, force bool) (int, error) {
	return c.ib.DeleteChannel(ctx, id, force)
}
