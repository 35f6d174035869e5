package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/peykhq/peyk/channels"
)

// Flavor is a messenger whose Bot API follows Telegram's: Telegram itself,
// or Bale. NewDriver makes a channel kind of it.
type Flavor struct {
	Kind  channels.Kind
	Label channels.Text
	// Identity is the kind of its users' ids, with its label and
	// normalizer: a user id of one service is not one of another.
	Identity channels.IdentitySpec
	// APIEndpoint is the Bot API server used when the settings name none.
	APIEndpoint string
	// SecretInURL is set for a service that sends no
	// X-Telegram-Bot-Api-Secret-Token header with webhook calls (Bale):
	// the webhook secret then travels in the webhook URL (?secret=…),
	// and the header is still checked when a call carries it.
	SecretInURL bool
}

// settings are a bot channel's whole settings: the config with its
// secrets beside it.
type settings struct {
	Config
	Secrets
}

// Driver returns the Telegram channel kind.
func Driver() channels.Driver {
	return NewDriver(Flavor{
		Kind:  channels.Telegram,
		Label: channels.Text{Fa: "تلگرام", En: "Telegram"},
		Identity: channels.IdentitySpec{Kind: channels.IdentityTelegram, Label: channels.Text{Fa: "تلگرام", En: "Telegram"},
			Normalize: channels.NumericID("telegram", "tg:")},
		APIEndpoint: DefaultAPIEndpoint,
	})
}

// NewDriver returns the channel kind of flavor f: a bot polling or taking
// webhooks, sending text, photos and documents, its users identified by
// f.Identity and the phone numbers they share as phone identities. The
// bots it builds are kept per channel until the channel's settings change.
func NewDriver(f Flavor) channels.Driver {
	bots := &bots{m: make(map[int64]cachedBot)}
	load := func(raw json.RawMessage) (settings, error) {
		var s settings
		if err := json.Unmarshal(raw, &s); err != nil {
			return s, fmt.Errorf("%s: settings: %w", f.Kind, err)
		}
		if s.APIEndpoint == "" {
			s.APIEndpoint = f.APIEndpoint
		}
		s.Identity = f.Identity.Kind
		return s, nil
	}
	bot := func(ctx context.Context, in channels.Instance) (*Bot, settings, error) {
		s, err := load(in.Settings)
		if err != nil {
			return nil, s, err
		}
		b, err := bots.get(in.ChannelID, string(in.Settings), func() (*Bot, error) {
			return New(ctx, in.ChannelID, s.Config, s.Secrets, in.Log)
		})
		return b, s, err
	}
	txt := func(fa, en string) channels.Text { return channels.Text{Fa: fa, En: en} }
	return channels.Driver{
		Kind:  f.Kind,
		Label: f.Label,
		Settings: []channels.Field{
			{Name: "token", Type: channels.FieldString, Secret: true, Required: true,
				Help: txt("توکن ربات", "Bot token")},
			{Name: "mode", Type: channels.FieldEnum, Choices: []string{string(ModePolling), string(ModeWebhook)}, Default: string(ModePolling),
				Help: txt("دریافت با پرسش پیاپی یا وب\u200cهوک", "Receive by polling or webhook")},
			{Name: "webhook_url", Type: channels.FieldURL,
				Help: txt("نشانی HTTPS عمومی وب\u200cهوک این کانال", "Public HTTPS address of this channel's webhook")},
			{Name: "webhook_secret", Type: channels.FieldString, Secret: true,
				Help: txt("رمز وب\u200cهوک؛ خالی: ساخته می\u200cشود", "Webhook secret; made when empty")},
			{Name: "api_endpoint", Type: channels.FieldURL, Default: f.APIEndpoint,
				Help: txt("سرور Bot API", "Bot API server")},
			{Name: "proxy_url", Type: channels.FieldURL,
				Help: txt("پراکسی HTTP(S) یا SOCKS5", "HTTP(S) or SOCKS5 proxy")},
			{Name: "proxy_password", Type: channels.FieldString, Secret: true,
				Help: txt("گذرواژهٔ پراکسی", "Proxy password")},
			{Name: "poll_timeout", Type: channels.FieldDuration, Default: DefaultPollTimeout.String(),
				Help: txt("انتظار هر getUpdates", "Wait of one getUpdates")},
			{Name: "poll_interval", Type: channels.FieldDuration, Default: DefaultPollInterval.String(),
				Help: txt("مکث پس از پرسش بی\u200cپاسخ", "Pause after an empty poll")},
			{Name: "max_file_size", Type: channels.FieldInt, Default: DefaultMaxFileSize,
				Help: txt("بزرگ\u200cترین پیوست دریافتی (بایت)", "Largest attachment downloaded, in bytes")},
		},
		Presets:    presets(),
		Identities: []channels.IdentitySpec{f.Identity, {Kind: channels.IdentityPhone, Label: txt("تلفن", "Phone")}},
		Reaches:    f.Identity.Kind,
		Validate: func(raw json.RawMessage) (json.RawMessage, error) {
			var s settings
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, err
			}
			if s.Mode == ModeWebhook && s.WebhookSecret == "" {
				s.WebhookSecret = NewSecret()
			}
			// A password in proxy_url is kept with the secrets, not in the shown config.
			s.Config, s.Secrets = MoveProxyPassword(s.Config, s.Secrets)
			if err := s.Config.Validate(); err != nil {
				return nil, err
			}
			if err := s.Secrets.Validate(s.Mode); err != nil {
				return nil, err
			}
			return json.Marshal(s)
		},
		Sender: func(ctx context.Context, in channels.Instance) (channels.Sender, error) {
			b, _, err := bot(ctx, in)
			return b, err
		},
		Receiver: func(ctx context.Context, in channels.Instance) (channels.Receiver, error) {
			s, err := load(in.Settings)
			if err != nil || s.WithDefaults().Mode != ModePolling {
				return nil, err
			}
			b, _, err := bot(ctx, in)
			return b, err
		},
		Webhook: func(ctx context.Context, in channels.Instance) (channels.Hooks, error) {
			b, s, err := bot(ctx, in)
			if err != nil {
				return nil, err
			}
			h := b.Webhook(s.WebhookSecret, in.Store)
			h.QuerySecret = f.SecretInURL
			return channels.Hooks{"": h}, nil
		},
		Tester: func(ctx context.Context, in channels.Instance) (channels.Tester, error) {
			b, _, err := bot(ctx, in)
			return b, err
		},
		Setup: func(ctx context.Context, in channels.Instance) error {
			s, err := load(in.Settings)
			if err != nil || s.WithDefaults().Mode != ModeWebhook {
				return err
			}
			b, _, err := bot(ctx, in)
			if err != nil {
				return err
			}
			if f.SecretInURL {
				return b.SetWebhookInURL(ctx, s.WebhookURL, s.WebhookSecret)
			}
			return b.SetWebhook(ctx, s.WebhookURL, s.WebhookSecret)
		},
	}
}

// bots keeps one built bot per channel until its settings change.
type bots struct {
	mu sync.Mutex
	m  map[int64]cachedBot
}

type cachedBot struct {
	settings string
	bot      *Bot
}

// get returns the bot built for channel id from settings, building it
// anew when they changed.
func (c *bots) get(id int64, settings string, build func() (*Bot, error)) (*Bot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[id]; ok && e.settings == settings {
		return e.bot, nil
	}
	b, err := build()
	if err != nil {
		return nil, err
	}
	c.m[id] = cachedBot{settings: settings, bot: b}
	return b, nil
}
