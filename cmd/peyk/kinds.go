package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/email"
	"github.com/peykhq/peyk/channels/phonelog"
	"github.com/peykhq/peyk/channels/sms/generic"
	"github.com/peykhq/peyk/channels/sms/kavenegar"
	smsredact "github.com/peykhq/peyk/channels/sms/redact"
	"github.com/peykhq/peyk/channels/sms/twilio"
	"github.com/peykhq/peyk/channels/telegram"
	"github.com/peykhq/peyk/inbox"
)

// strict decodes raw into v, refusing unknown fields except those in allow.
func strict(raw json.RawMessage, v any, allow ...string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for _, k := range allow {
		delete(m, k)
	}
	clean, _ := json.Marshal(m)
	dec := json.NewDecoder(bytes.NewReader(clean))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// redact returns raw without the keys that hold secrets.
func redact(raw json.RawMessage, secret ...string) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	for _, k := range secret {
		delete(m, k)
	}
	return m
}

// settings loads a channel's full settings, kept whole among its
// encrypted secrets.
func settings(ctx context.Context, ib *inbox.Inbox, ch inbox.Channel) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := ib.Secrets(ctx, ch.ID, &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("channel %d has no settings stored", ch.ID)
	}
	return raw, nil
}

// smsGateway builds the SMS gateway of a channel from its settings:
// {"driver": "twilio" | "kavenegar" | "generic", …the driver's fields}.
func smsGateway(ch int64, raw json.RawMessage, log *slog.Logger) (gateway, error) {
	var d struct {
		Driver string `json:"driver"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	switch d.Driver {
	case "twilio":
		var c twilio.Config
		if err := strict(raw, &c, "driver"); err != nil {
			return nil, err
		}
		c.ChannelID, c.Logger = ch, log
		return twilio.New(c)
	case "kavenegar":
		var c kavenegar.Config
		if err := strict(raw, &c, "driver"); err != nil {
			return nil, err
		}
		c.ChannelID, c.Logger = ch, log
		return kavenegar.New(c)
	case "generic":
		var c generic.Config
		if err := strict(raw, &c, "driver"); err != nil {
			return nil, err
		}
		c.ChannelID, c.Logger = ch, log
		return generic.New(c)
	}
	return nil, fmt.Errorf(`driver %q (want "twilio", "kavenegar" or "generic")`, d.Driver)
}

// gateway is what every SMS driver offers.
type gateway interface {
	channels.Sender
	InboundHandler(channels.Sink) http.Handler
	StatusHandler(channels.Updater) http.Handler
}

// smsSecrets are the SMS settings kept only among the encrypted secrets;
// the public view masks every other secret where it sits (smsredact.Settings:
// passwords in the send URL or form, header values, tokens in a body).
var smsSecrets = []string{"auth_token", "api_key", "callback_secret", "secret"}

// smsPublic is the public view of SMS settings, for storing beside the
// secrets and for showing (also of channels stored before a secret was
// masked).
func smsPublic(raw json.RawMessage) json.RawMessage { return smsredact.Settings(raw, smsSecrets...) }

func smsKind(log *slog.Logger) kind {
	build := func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (gateway, error) {
		raw, err := settings(ctx, ib, ch)
		if err != nil {
			return nil, err
		}
		return smsGateway(ch.ID, raw, log)
	}
	return kind{
		parse: func(raw json.RawMessage) (any, any, error) {
			if _, err := smsGateway(0, raw, log); err != nil {
				return nil, nil, err
			}
			return smsPublic(raw), raw, nil
		},
		public: smsPublic,
		sender: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (channels.Sender, error) {
			return build(ctx, ch, ib)
		},
		webhook: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox, part string) (http.Handler, error) {
			g, err := build(ctx, ch, ib)
			if err != nil {
				return nil, err
			}
			switch part {
			case "in":
				return g.InboundHandler(ib), nil
			case "status":
				return g.StatusHandler(ib), nil
			}
			return nil, nil
		},
		receiver: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (channels.Receiver, error) {
			g, err := build(ctx, ch, ib)
			if err != nil {
				return nil, err
			}
			var poll struct {
				Seconds int `json:"poll_seconds"`
			}
			_ = json.Unmarshal(ch.Config, &poll)
			if r, ok := g.(channels.Receiver); ok && poll.Seconds > 0 {
				return r, nil // Kavenegar polling, when asked for
			}
			return nil, nil
		},
	}
}

// telegramSettings is a Telegram channel's settings: the config with its
// secrets beside it.
type telegramSettings struct {
	telegram.Config
	Token         string `json:"token"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
	ProxyPassword string `json:"proxy_password,omitempty"`
}

func telegramKind(log *slog.Logger, bots *cache[*telegram.Bot]) kind {
	bot := func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (*telegram.Bot, error) {
		return bots.get(ch, func() (*telegram.Bot, error) {
			var cfg telegram.Config
			var sec telegram.Secrets
			if err := json.Unmarshal(ch.Config, &cfg); err != nil {
				return nil, err
			}
			if err := ib.Secrets(ctx, ch.ID, &sec); err != nil {
				return nil, err
			}
			return telegram.New(ctx, ch.ID, cfg, sec, log)
		})
	}
	return kind{
		parse: func(raw json.RawMessage) (any, any, error) {
			var s telegramSettings
			if err := strict(raw, &s); err != nil {
				return nil, nil, err
			}
			if s.Mode == telegram.ModeWebhook && s.WebhookSecret == "" {
				s.WebhookSecret = telegram.NewSecret()
			}
			sec := telegram.Secrets{Token: s.Token, WebhookSecret: s.WebhookSecret, ProxyPassword: s.ProxyPassword}
			// A password in proxy_url is kept with the secrets, not in the shown config.
			s.Config, sec = telegram.MoveProxyPassword(s.Config, sec)
			if err := s.Config.Validate(); err != nil {
				return nil, nil, err
			}
			if err := sec.Validate(s.Mode); err != nil {
				return nil, nil, err
			}
			return s.Config, sec, nil
		},
		test: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) error {
			b, err := bot(ctx, ch, ib)
			if err != nil {
				return err
			}
			return b.Test(ctx)
		},
		setup: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) error {
			var cfg telegram.Config
			var sec telegram.Secrets
			if err := json.Unmarshal(ch.Config, &cfg); err != nil {
				return err
			}
			if cfg.WithDefaults().Mode != telegram.ModeWebhook {
				return nil
			}
			b, err := bot(ctx, ch, ib)
			if err != nil {
				return err
			}
			if err := ib.Secrets(ctx, ch.ID, &sec); err != nil {
				return err
			}
			return b.SetWebhook(ctx, cfg.WebhookURL, sec.WebhookSecret)
		},
		sender: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (channels.Sender, error) {
			return bot(ctx, ch, ib)
		},
		webhook: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox, part string) (http.Handler, error) {
			b, err := bot(ctx, ch, ib)
			if err != nil || part != "" {
				return nil, err
			}
			var sec telegram.Secrets
			if err := ib.Secrets(ctx, ch.ID, &sec); err != nil {
				return nil, err
			}
			return b.Webhook(sec.WebhookSecret, ib), nil
		},
		receiver: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (channels.Receiver, error) {
			var cfg telegram.Config
			if err := json.Unmarshal(ch.Config, &cfg); err != nil {
				return nil, err
			}
			if cfg.WithDefaults().Mode != telegram.ModePolling {
				return nil, nil
			}
			return bot(ctx, ch, ib)
		},
	}
}

// phoneSettings is a phone (PBX) channel's settings.
type phoneSettings struct {
	Ours            []string `json:"ours"`
	Zone            string   `json:"zone,omitempty"`
	RecordingURL    string   `json:"recording_url,omitempty"`
	TwilioAuthToken string   `json:"twilio_auth_token,omitempty"`
	PublicURL       string   `json:"public_url,omitempty"`
	// TeamID is the team told of a missed call to call back when its
	// conversation has no assignee and no team of its own.
	TeamID int64 `json:"team_id,omitempty"`
	// Secret authenticates call-event webhooks (X-Peyk-Secret or ?secret=).
	Secret string `json:"secret"`
}

func (s phoneSettings) config() (phonelog.Config, error) {
	zone := s.Zone
	if zone == "" {
		zone = "Asia/Tehran"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return phonelog.Config{}, fmt.Errorf("zone %q: %w", zone, err)
	}
	c := phonelog.Config{Ours: s.Ours, Location: loc, RecordingURL: s.RecordingURL,
		TwilioAuthToken: s.TwilioAuthToken, PublicURL: s.PublicURL}
	return c, c.Validate()
}

func phoneKind() kind {
	return kind{
		parse: func(raw json.RawMessage) (any, any, error) {
			var s phoneSettings
			if err := strict(raw, &s); err != nil {
				return nil, nil, err
			}
			if _, err := s.config(); err != nil {
				return nil, nil, err
			}
			if len(s.Secret) < 16 {
				return nil, nil, fmt.Errorf("secret: at least 16 characters, for the call-event webhook")
			}
			return redact(raw, "twilio_auth_token", "secret"), raw, nil
		},
		webhook: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox, part string) (http.Handler, error) {
			raw, err := settings(ctx, ib, ch)
			if err != nil || part != "" {
				return nil, err
			}
			var s phoneSettings
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, err
			}
			cfg, err := s.config()
			if err != nil {
				return nil, err
			}
			return phonelog.NewWebhook(ch.ID, cfg, ib, s.Secret), nil
		},
	}
}

// emailSettings is an email channel's settings: the config with the two
// passwords beside it.
type emailSettings struct {
	email.Config
	email.Secrets
}

func emailKind(log *slog.Logger) kind {
	load := func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (email.Config, email.Secrets, error) {
		var cfg email.Config
		var sec email.Secrets
		if err := json.Unmarshal(ch.Config, &cfg); err != nil {
			return cfg, sec, err
		}
		return cfg, sec, ib.Secrets(ctx, ch.ID, &sec)
	}
	return kind{
		parse: func(raw json.RawMessage) (any, any, error) {
			var s emailSettings
			if err := strict(raw, &s); err != nil {
				return nil, nil, err
			}
			if err := s.Config.Validate(); err != nil {
				return nil, nil, err
			}
			return s.Config, s.Secrets, nil
		},
		test: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) error {
			cfg, sec, err := load(ctx, ch, ib)
			if err != nil {
				return err
			}
			return email.Tester{Config: cfg, Secrets: sec, Log: log.With("channel_id", ch.ID)}.Test(ctx)
		},
		sender: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (channels.Sender, error) {
			cfg, sec, err := load(ctx, ch, ib)
			if err != nil {
				return nil, err
			}
			return email.NewSender(cfg, sec), nil
		},
		receiver: func(ctx context.Context, ch inbox.Channel, ib *inbox.Inbox) (channels.Receiver, error) {
			cfg, sec, err := load(ctx, ch, ib)
			if err != nil {
				return nil, err
			}
			return email.NewReceiver(ch.ID, cfg, sec, log), nil
		},
	}
}
