package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

// resealed returns the public config and the secrets channel ch of driver
// d should store, and whether they differ from what it stores. A channel
// whose stored config is already its public view (d.Public) keeps it, and
// nil secrets (kept as they are). One stored before its kind masked every
// secret (SMS channels before issue 13: a Kannel password in the send URL,
// header values) has its whole settings, its stored secrets laid over its
// config, split again by the driver (d.Split): the masked public view as
// config, the secret and masked fields as secrets.
func resealed(ctx context.Context, ib *inbox.Inbox, ch inbox.Channel, d *channels.Driver) (config, secrets any, changed bool, err error) {
	if sameJSON(d.Public(ch.Config), ch.Config) {
		return ch.Config, nil, false, nil
	}
	full, err := storedSettings(ctx, ib, ch)
	if err != nil {
		return nil, nil, false, err
	}
	raw, err := json.Marshal(full)
	if err != nil {
		return nil, nil, false, fmt.Errorf("channel %d settings: %w", ch.ID, err)
	}
	public, sec, err := d.Split(raw)
	if err != nil {
		return nil, nil, false, fmt.Errorf("channel %d settings: %w", ch.ID, err)
	}
	return public, sec, true, nil
}

// sameJSON reports whether a and b hold the same JSON value (key order
// and spacing aside); unreadable JSON is never the same.
func sameJSON(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// resealChannels is the one-time step that `peyk serve`, `peyk worker`
// and `peyk migrate` run at start: every channel that still keeps a secret
// in its public config (the config column, shown to agents and stored in
// clear) is stored again as its public view plus encrypted secrets (see
// resealed). It is idempotent: a channel already stored so is left
// alone. Each channel re-sealed is logged once; it returns how many were.
// Without PEYK_SECRET_KEY nothing can be sealed: it says so and changes
// nothing.
func resealChannels(ctx context.Context, ib *inbox.Inbox, kinds *channels.Registry, log *slog.Logger) (int, error) {
	cs, err := ib.Channels(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ch := range cs {
		d, ok := kinds.Driver(ch.Kind)
		if !ok {
			continue
		}
		config, secrets, changed, err := resealed(ctx, ib, ch, d)
		if err == nil && changed {
			err = ib.UpdateChannel(ctx, ch.ID, "", config, secrets)
		}
		if errors.Is(err, inbox.ErrNoSecretKey) {
			log.Warn("channel keeps secrets in its public settings; set PEYK_SECRET_KEY to have them encrypted",
				"channel_id", ch.ID, "kind", ch.Kind)
			continue
		}
		if err != nil {
			return n, fmt.Errorf("re-seal channel %d: %w", ch.ID, err)
		}
		if changed {
			log.Info("channel secrets moved from its public settings into the encrypted secrets", "channel_id", ch.ID, "kind", ch.Kind)
			n++
		}
	}
	return n, nil
}
