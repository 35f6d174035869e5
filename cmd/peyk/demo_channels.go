package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/peykhq/peyk/channels"
)

// Names of the demo channels: a start finds its channels by kind and name.
const (
	demoEmailName    = "Support mailbox (demo)"
	demoTelegramName = "Telegram bot (demo)"
	demoSMSName      = "SMS line (demo)"
	demoPhoneName    = "Phone (demo)"
)

// The demo PBX: its number, extensions and webhook secret, and the demo
// bot's token.
const (
	demoPBXNumber = "02188776655"
	demoPBXSecret = "peyk-demo-pbx-secret"
	demoBotToken  = "7000001:peyk-demo-bot-token"
)

// demoChannels are the ids of the demo's channels.
type demoChannels struct {
	Email, Telegram, SMS, Phone int64
}

// demoServers are the stand-ins the demo channels talk to, and the Peyk
// server's own address (for the status callback URL).
type demoServers struct {
	imap   *demoIMAP
	smtp   *demoSMTP
	twilio *demoTwilio
	bot    string // the Bot API stand-in's URL
	base   string // http://127.0.0.1:port of Peyk
}

// ensureChannels creates the demo channels that are missing and points
// every one at this start's stand-ins (their ports change each time). The
// mailbox and bot cursors start over, since their stand-ins are new:
// what they replay is already stored and is skipped by its external id.
func ensureChannels(ctx context.Context, a *app, s demoServers) (demoChannels, error) {
	settings := func(kind channels.Kind, id int64) any {
		switch kind {
		case channels.Email:
			return map[string]any{
				"imap": map[string]any{"host": "127.0.0.1", "port": s.imap.port, "tls": "none", "user": demoMailbox},
				"smtp": map[string]any{"host": "127.0.0.1", "port": s.smtp.port, "tls": "none", "auth": "none"},
				"from": demoMailbox, "from_name": "پشتیبانی پیک", "reply_token": true, "imap_password": demoIMAPPass}
		case channels.Telegram:
			return map[string]any{"token": demoBotToken, "mode": "polling", "api_endpoint": s.bot, "poll_interval": "500ms"}
		case channels.SMS:
			m := map[string]any{"driver": "twilio", "account_sid": demoTwilioSID, "auth_token": demoTwilioToken,
				"from": demoSMSNumber, "api_base": s.twilio.srv.URL}
			if id != 0 {
				m["status_callback_url"] = fmt.Sprintf("%s/webhooks/%d/status", s.base, id)
			}
			return m
		}
		return map[string]any{"ours": []string{demoPBXNumber, "1XX"}, "zone": "Asia/Tehran", "secret": demoPBXSecret}
	}
	existing, err := a.ib.Channels(ctx)
	if err != nil {
		return demoChannels{}, err
	}
	admin := newChannelAdmin(a)
	var ids demoChannels
	for _, c := range []struct {
		kind channels.Kind
		name string
		id   *int64
	}{
		{channels.Email, demoEmailName, &ids.Email},
		{channels.Telegram, demoTelegramName, &ids.Telegram},
		{channels.SMS, demoSMSName, &ids.SMS},
		{channels.Phone, demoPhoneName, &ids.Phone},
	} {
		for _, ch := range existing {
			if ch.Kind == c.kind && ch.Name == c.name {
				*c.id = ch.ID
			}
		}
		if *c.id == 0 {
			raw, _ := json.Marshal(settings(c.kind, 0))
			ch, err := admin.Create(ctx, string(c.kind), c.name, raw)
			if err != nil {
				return ids, fmt.Errorf("demo: create %s channel: %w", c.kind, err)
			}
			*c.id = ch.ID
		}
		raw, _ := json.Marshal(settings(c.kind, *c.id))
		if err := resetDemoChannel(ctx, a, *c.id, c.kind, raw); err != nil {
			return ids, fmt.Errorf("demo: update %s channel %d: %w", c.kind, *c.id, err)
		}
	}
	return ids, nil
}

// resetDemoChannel stores a demo channel's settings (checked as for a new
// channel), enables it and empties its cursor.
func resetDemoChannel(ctx context.Context, a *app, id int64, kind channels.Kind, raw json.RawMessage) error {
	_, config, secrets, err := newChannelAdmin(a).check(kind, raw)
	if err != nil {
		return err
	}
	js, err := json.Marshal(config)
	if err != nil {
		return err
	}
	// The inbox has no way to change a channel's config yet; the demo is
	// the only one that needs it, so the statement lives here.
	if _, err := a.pool.Exec(ctx, `UPDATE channels SET config = $2, enabled = true, cursor = '', updated_at = now()
		WHERE id = $1`, id, js); err != nil {
		return err
	}
	return a.ib.SetSecrets(ctx, id, secrets)
}
