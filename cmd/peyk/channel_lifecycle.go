package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/redact"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
)

// Update changes a channel's name (kept when empty) and settings. patch is
// a JSON merge patch (RFC 7396) on the channel's stored settings: keys it
// omits keep their stored value, secrets included, and a null removes a
// key. The merged settings are validated as on create; the kind cannot
// change. It returns the channel's public view (secrets masked).
func (c *channelAdmin) Update(ctx context.Context, id int64, name string, patch json.RawMessage) (inbox.Channel, error) {
	ch, err := c.ib.Channel(ctx, id)
	if err != nil {
		return inbox.Channel{}, err
	}
	d, ok := c.kinds.Driver(ch.Kind)
	if !ok {
		return inbox.Channel{}, fmt.Errorf("channel kind %q is not in this build: %w", ch.Kind, crm.ErrInvalid)
	}
	var config, secrets any
	if len(bytes.TrimSpace(patch)) > 0 && !bytes.Equal(bytes.TrimSpace(patch), []byte("null")) {
		stored, err := storedSettings(ctx, c.ib, ch)
		if err != nil {
			return inbox.Channel{}, err
		}
		var p any
		if err := json.Unmarshal(patch, &p); err != nil {
			return inbox.Channel{}, fmt.Errorf("settings: %v: %w", err, crm.ErrInvalid)
		}
		if _, ok := p.(map[string]any); !ok {
			return inbox.Channel{}, fmt.Errorf("settings: want a JSON object: %w", crm.ErrInvalid)
		}
		m, err := mergePatch(stored, p, "")
		if err != nil {
			return inbox.Channel{}, err
		}
		merged, _ := json.Marshal(m)
		if _, config, secrets, err = c.check(ch.Kind, merged); err != nil {
			return inbox.Channel{}, err
		}
	} else if config, secrets, _, err = resealed(ctx, c.ib, ch, d); err != nil {
		// Only the name changes; settings stored with a secret in the
		// public config are re-sealed, never written back as they were.
		return inbox.Channel{}, err
	}
	if err := c.ib.UpdateChannel(ctx, id, name, config, secrets); err != nil {
		return inbox.Channel{}, err
	}
	c.touched(id)
	c.log.Info("channel updated", "channel_id", id, "kind", ch.Kind)
	if ch, err = c.ib.Channel(ctx, id); err != nil || !ch.Enabled {
		return c.public(ch), err
	}
	if err := c.setup(ctx, d, ch); err != nil {
		return c.public(ch), fmt.Errorf("channel %d updated, but registering it with the provider failed (test the channel to retry): %w", id, err)
	}
	return c.public(ch), nil
}

// SetEnabled enables or disables a channel. A disabled channel's receiver
// stops, its webhooks answer 404 and sends through it fail. It returns the
// channel's public view (secrets masked).
func (c *channelAdmin) SetEnabled(ctx context.Context, id int64, enabled bool) (inbox.Channel, error) {
	if err := c.ib.SetChannelEnabled(ctx, id, enabled); err != nil {
		return inbox.Channel{}, err
	}
	c.touched(id)
	c.log.Info("channel enabled changed", "channel_id", id, "enabled", enabled)
	ch, err := c.ib.Channel(ctx, id)
	return c.public(ch), err
}

// Delete deletes a channel. One with conversations is refused (an error
// wrapping crm.ErrConflict that says how many) unless force is set; then
// its conversations and messages stay, without a channel. It returns how
// many conversations the channel had.
func (c *channelAdmin) Delete(ctx context.Context, id int64, force bool) (int, error) {
	n, err := c.ib.DeleteChannel(ctx, id, force)
	if err != nil {
		return n, err
	}
	c.touched(id)
	c.status.Forget(id)
	c.log.Info("channel deleted", "channel_id", id, "conversations", n)
	return n, nil
}

// storedSettings returns a channel's whole settings as create took them:
// its public config with its decrypted secrets laid over it.
func storedSettings(ctx context.Context, ib *inbox.Inbox, ch inbox.Channel) (map[string]any, error) {
	raw, err := channelSettings(ctx, ib, ch)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // large ids stay whole
	return out, dec.Decode(&out)
}

// mergePatch applies a JSON merge patch (RFC 7396) to target; path
// names target's place in the settings ("" at the top, "imap.host"). A
// string in patch that still holds the mask a channel's public view puts
// over a secret (a URL's password shown as REDACTED) keeps the stored
// value when it is that value's masked view unchanged, and is refused
// otherwise: storing the mask would lose the secret.
func mergePatch(target, patch any, path string) (any, error) {
	p, ok := patch.(map[string]any)
	if !ok {
		return masked(target, patch, path)
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	out := make(map[string]any, len(t))
	for k, v := range t {
		out[k] = v
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		at := k
		if path != "" {
			at = path + "." + k
		}
		merged, err := mergePatch(out[k], v, at)
		if err != nil {
			return nil, err
		}
		out[k] = merged
	}
	return out, nil
}

// masked returns the value patch sets over stored: stored itself when
// patch is stored's masked view, an error when patch holds the mask in
// any other way, else patch.
func masked(stored, patch any, path string) (any, error) {
	s, ok := patch.(string)
	if !ok || !strings.Contains(s, redact.Mask) {
		return patch, nil
	}
	if old, ok := stored.(string); ok && redact.Text(old) == s {
		return old, nil
	}
	return nil, &channels.FieldError{Field: path, Reason: channels.ReasonMasked,
		Err: fmt.Errorf("%s still holds %s where a secret was: type the secret again", path, redact.Mask)}
}
