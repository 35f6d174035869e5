package phonelog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/peykhq/peyk/channels"
)

// settings are a phone (PBX) channel's settings.
type settings struct {
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

func (s settings) config() (Config, error) {
	zone := s.Zone
	if zone == "" {
		zone = "Asia/Tehran"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Config{}, fmt.Errorf("zone %q: %w", zone, err)
	}
	c := Config{Ours: s.Ours, Location: loc, RecordingURL: s.RecordingURL,
		TwilioAuthToken: s.TwilioAuthToken, PublicURL: s.PublicURL}
	return c, c.Validate()
}

func decode(raw json.RawMessage) (settings, Config, error) {
	var s settings
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, Config{}, fmt.Errorf("phone: settings: %w", err)
	}
	c, err := s.config()
	return s, c, err
}

// Driver returns the phone channel kind: call records imported from a PBX
// and call events posted to its webhook. It cannot send.
func Driver() channels.Driver {
	txt := func(fa, en string) channels.Text { return channels.Text{Fa: fa, En: en} }
	return channels.Driver{
		Kind:  channels.Phone,
		Label: txt("تلفن", "Phone"),
		Settings: []channels.Field{
			{Name: "ours", Type: channels.FieldList,
				Help: txt("شماره\u200cها و داخلی\u200cهای ما (الگوی Asterisk)", "Our numbers and extensions (Asterisk patterns)")},
			{Name: "zone", Type: channels.FieldString, Default: "Asia/Tehran",
				Help: txt("منطقهٔ زمانی سوابق تماس", "Time zone of call records")},
			{Name: "recording_url", Type: channels.FieldString,
				Help: txt("الگوی نشانی ضبط تماس", "Template of a recording's link")},
			{Name: "public_url", Type: channels.FieldURL,
				Help: txt("نشانی عمومی وب\u200cهوک (برای امضای Twilio)", "Public webhook address (for Twilio's signature)")},
			{Name: "team_id", Type: channels.FieldInt,
				Help: txt("تیمی که تماس بی\u200cپاسخ به آن خبر داده می\u200cشود", "Team told of missed calls")},
			{Name: "twilio_auth_token", Type: channels.FieldString, Secret: true,
				Help: txt("توکن Twilio برای وارسی امضا", "Twilio auth token, to check signatures")},
			{Name: "secret", Type: channels.FieldString, Secret: true, Required: true,
				Help: txt("رمز وب\u200cهوک، دست\u200cکم ۱۶ نویسه", "Webhook secret, at least 16 characters")},
		},
		Identities: []channels.IdentitySpec{{Kind: channels.IdentityPhone, Label: txt("تلفن", "Phone")}},
		Validate: func(raw json.RawMessage) (json.RawMessage, error) {
			s, _, err := decode(raw)
			if err != nil {
				return nil, err
			}
			if len(s.Secret) < 16 {
				return nil, fmt.Errorf("secret: at least 16 characters, for the call-event webhook")
			}
			return raw, nil
		},
		Webhook: func(_ context.Context, in channels.Instance) (channels.Hooks, error) {
			s, cfg, err := decode(in.Settings)
			if err != nil {
				return nil, err
			}
			return channels.Hooks{"": NewWebhook(in.ChannelID, cfg, in.Store, s.Secret)}, nil
		},
	}
}

// SettingsConfig returns the Config of a phone channel's stored settings
// (for importing call records).
func SettingsConfig(raw json.RawMessage) (Config, error) {
	_, c, err := decode(raw)
	return c, err
}
