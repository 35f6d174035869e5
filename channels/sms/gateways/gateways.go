// Package gateways is the SMS channel kind: one channel per account of an
// SMS gateway (Twilio, Kavenegar or a generic HTTP gateway), chosen by the
// "driver" setting.
package gateways

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/generic"
	"github.com/peykhq/peyk/channels/sms/kavenegar"
	"github.com/peykhq/peyk/channels/sms/redact"
	"github.com/peykhq/peyk/channels/sms/twilio"
)

// gateway is what every SMS gateway offers.
type gateway interface {
	channels.Sender
	InboundHandler(channels.Sink) http.Handler
	StatusHandler(channels.Updater) http.Handler
}

// build returns the gateway of a channel from its settings:
// {"driver": "twilio" | "kavenegar" | "generic", …the gateway's fields},
// and the Kavenegar gateway when it is one (it can also poll).
func build(ch int64, raw json.RawMessage, log *slog.Logger) (gateway, *kavenegar.Gateway, error) {
	var d struct {
		Driver string `json:"driver"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, nil, err
	}
	switch d.Driver {
	case "twilio":
		var c twilio.Config
		if err := strict(raw, &c, "driver"); err != nil {
			return nil, nil, err
		}
		c.ChannelID, c.Logger = ch, log
		g, err := twilio.New(c)
		return g, nil, err
	case "kavenegar":
		var c kavenegar.Config
		if err := strict(raw, &c, "driver"); err != nil {
			return nil, nil, err
		}
		c.ChannelID, c.Logger = ch, log
		g, err := kavenegar.New(c)
		return g, g, err
	case "generic":
		var c generic.Config
		if err := strict(raw, &c, "driver"); err != nil {
			return nil, nil, err
		}
		c.ChannelID, c.Logger = ch, log
		g, err := generic.New(c)
		return g, nil, err
	}
	return nil, nil, fmt.Errorf(`driver %q (want "twilio", "kavenegar" or "generic")`, d.Driver)
}

// strict decodes raw into v, refusing fields v does not have, except
// those in allow.
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
	err := dec.Decode(v)
	if name, ok := strings.CutPrefix(fmt.Sprint(err), "json: unknown field "); ok && err != nil {
		name = strings.Trim(name, `"`)
		return channels.Invalid(name, ReasonNotThisGateway, fmt.Sprintf("%s is not a setting of this gateway", name))
	}
	return err
}

// ReasonNotThisGateway is the reason key of a setting the chosen gateway
// does not take (a Twilio field on a Kavenegar line).
const ReasonNotThisGateway = "channels.error.not_this_gateway"

// Driver returns the SMS channel kind. Its public config masks, beyond
// the secret fields, every secret found inside the others (a password in
// the send URL or form, header values, tokens in a body; see
// redact.Settings and docs/security.md).
func Driver() channels.Driver {
	return channels.Driver{
		Kind:       channels.SMS,
		Label:      channels.Text{Fa: "پیامک", En: "SMS"},
		Settings:   fields(),
		Presets:    presets(),
		Identities: []channels.IdentitySpec{{Kind: channels.IdentityPhone, Label: channels.Text{Fa: "تلفن", En: "Phone"}}},
		Reaches:    channels.IdentityPhone,
		Validate: func(raw json.RawMessage) (json.RawMessage, error) {
			if _, _, err := build(0, raw, nil); err != nil {
				return nil, err
			}
			return raw, nil
		},
		Mask: func(public json.RawMessage) json.RawMessage { return redact.Settings(public) },
		Sender: func(_ context.Context, in channels.Instance) (channels.Sender, error) {
			g, _, err := build(in.ChannelID, in.Settings, in.Log)
			return g, err
		},
		Receiver: func(_ context.Context, in channels.Instance) (channels.Receiver, error) {
			_, k, err := build(in.ChannelID, in.Settings, in.Log)
			var poll struct {
				Seconds int `json:"poll_seconds"`
			}
			_ = json.Unmarshal(in.Settings, &poll)
			if err != nil || k == nil || poll.Seconds <= 0 {
				return nil, err // only Kavenegar polls, and only when asked to
			}
			return k, nil
		},
		Webhook: func(_ context.Context, in channels.Instance) (channels.Hooks, error) {
			g, _, err := build(in.ChannelID, in.Settings, in.Log)
			if err != nil {
				return nil, err
			}
			return channels.Hooks{"in": g.InboundHandler(in.Store), "status": g.StatusHandler(in.Store)}, nil
		},
	}
}
