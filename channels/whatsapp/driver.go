package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/peykhq/peyk/channels"
)

// settings are a WhatsApp channel's whole settings: the config with its
// secrets beside it.
type settings struct {
	Config
	Secrets
}

// Driver returns the WhatsApp channel kind: one business number on the
// Cloud API, receiving by webhook (GET verification and POST
// notifications on the same URL), sending text, files and approved
// templates, its customers identified by wa_id and by the same number as
// a phone identity. It declares WhatsApp's 24-hour window (Window) and
// template sends. The clients it builds are kept per channel until the
// channel's settings change.
func Driver() channels.Driver {
	clients := &clientCache{m: make(map[int64]cachedClient)}
	client := func(in channels.Instance) (*Client, settings, error) {
		var s settings
		if err := json.Unmarshal(in.Settings, &s); err != nil {
			return nil, s, fmt.Errorf("whatsapp: settings: %w", err)
		}
		c, err := clients.get(in.ChannelID, string(in.Settings), func() (*Client, error) {
			return New(in.ChannelID, s.Config, s.Secrets, in.Log)
		})
		return c, s, err
	}
	txt := func(fa, en string) channels.Text { return channels.Text{Fa: fa, En: en} }
	label := txt("واتس\u200cاپ", "WhatsApp")
	return channels.Driver{
		Kind:  Kind,
		Label: label,
		Settings: []channels.Field{
			{Name: "phone_number_id", Type: channels.FieldString, Required: true,
				Help: txt("شناسهٔ شماره در WhatsApp Manager (نه خود شماره)", "Phone number ID from WhatsApp Manager (not the number)")},
			{Name: "business_account_id", Type: channels.FieldString,
				Help: txt("شناسهٔ حساب تجاری واتس\u200cاپ (WABA)", "WhatsApp Business Account (WABA) ID")},
			{Name: "access_token", Type: channels.FieldString, Secret: true, Required: true,
				Help: txt("توکن دائمی کاربر سیستمی", "System user's permanent access token")},
			{Name: "app_secret", Type: channels.FieldString, Secret: true, Required: true,
				Help: txt("رمز اپ متا، برای بررسی امضای وب\u200cهوک", "Meta app secret, to check webhook signatures")},
			{Name: "verify_token", Type: channels.FieldString, Secret: true, Required: true,
				Help: txt("توکن تأیید وب\u200cهوک در تنظیمات متا", "Webhook verify token typed in Meta's settings")},
			{Name: "api_version", Type: channels.FieldString, Default: DefaultAPIVersion,
				Help: txt("نسخهٔ Graph API", "Graph API version")},
			{Name: "base_url", Type: channels.FieldURL, Default: DefaultBaseURL,
				Help: txt("نشانی Graph API", "Graph API host")},
			{Name: "max_file_size", Type: channels.FieldInt, Default: DefaultMaxFileSize,
				Help: txt("بزرگ\u200cترین پیوست دریافتی (بایت)", "Largest attachment downloaded, in bytes")},
		},
		Identities: []channels.IdentitySpec{
			{Kind: Identity, Label: label, Normalize: NormalizeWaID},
			{Kind: channels.IdentityPhone, Label: txt("تلفن", "Phone")},
		},
		Reaches: Identity,
		Validate: func(raw json.RawMessage) (json.RawMessage, error) {
			var s settings
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, err
			}
			if err := s.Config.Validate(); err != nil {
				return nil, err
			}
			if err := s.Secrets.Validate(); err != nil {
				return nil, err
			}
			return raw, nil
		},
		Sender: func(_ context.Context, in channels.Instance) (channels.Sender, error) {
			c, _, err := client(in)
			return c, err
		},
		Webhook: func(_ context.Context, in channels.Instance) (channels.Hooks, error) {
			c, _, err := client(in)
			if err != nil {
				return nil, err
			}
			return channels.Hooks{"": c.Webhook(in.Store)}, nil
		},
		Tester: func(_ context.Context, in channels.Instance) (channels.Tester, error) {
			c, _, err := client(in)
			return c, err
		},
		Window:    Window,
		Templates: true,
	}
}

// NormalizeWaID returns the canonical form of a wa_id: the number's
// digits in international form without "+" ("989121234567"). Spaces,
// dashes, parentheses and a leading "+" or "00" are dropped and Persian
// and Arabic digits folded; anything else that is not a digit, or a
// length outside 7 to 15 digits (E.164), is an error wrapping
// channels.ErrInvalid.
func NormalizeWaID(s string) (string, error) {
	v := strings.Map(func(r rune) rune {
		switch r = channels.FoldDigit(r); {
		case r == ' ' || r == '-' || r == '(' || r == ')' || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r):
			return -1
		}
		return r
	}, s)
	if rest, ok := strings.CutPrefix(v, "+"); ok {
		v = rest
	} else if rest, ok := strings.CutPrefix(v, "00"); ok {
		v = rest
	}
	if len(v) < 7 || len(v) > 15 || strings.Trim(v, "0123456789") != "" || v[0] == '0' {
		return "", fmt.Errorf("whatsapp id %q: not a phone number in international form: %w", s, channels.ErrInvalid)
	}
	return v, nil
}

// clientCache keeps one built client per channel until its settings
// change.
type clientCache struct {
	mu sync.Mutex
	m  map[int64]cachedClient
}

type cachedClient struct {
	settings string
	client   *Client
}

// get returns the client built for channel id from settings, building
// it anew when they changed.
func (c *clientCache) get(id int64, settings string, build func() (*Client, error)) (*Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[id]; ok && e.settings == settings {
		return e.client, nil
	}
	cl, err := build()
	if err != nil {
		return nil, err
	}
	c.m[id] = cachedClient{settings: settings, client: cl}
	return cl, nil
}
