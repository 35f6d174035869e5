package gateways

import "github.com/peykhq/peyk/channels"

// kannelForm is the sendsms form of the Kannel preset (docs/channels.md,
// "Kannel"); the dlr-url needs Peyk's public address and the channel's id,
// known once the channel exists.
var kannelForm = map[string]any{
	"username": "peyk", "password": "",
	"to": "{{.To}}", "from": "{{.From}}", "text": "{{.Text}}",
	"coding": "2", "charset": "UTF-8", "dlr-mask": "31",
	"dlr-url": "https://peyk.example.com/webhooks/CHANNEL-ID/status?secret=WEBHOOK-SECRET&id=peyk-{{.MessageID}}&status=%d&reply=%A",
}

// presets are the gateways Peyk knows, each with what it needs filled in.
func presets() []channels.Preset {
	return []channels.Preset{
		{Name: "kavenegar", Label: txt("کاوه\u200cنگار", "Kavenegar"),
			Settings: map[string]any{"driver": "kavenegar"}},
		{Name: "twilio", Label: txt("Twilio", "Twilio"),
			Settings: map[string]any{"driver": "twilio"}},
		{Name: "kannel", Label: txt("Kannel", "Kannel"),
			Settings: map[string]any{
				"driver": "generic", "method": "GET",
				"send_url":    "http://kannel.internal:13013/cgi-bin/sendsms",
				"form":        kannelForm,
				"external_id": "peyk-{{.MessageID}}",
				"status": map[string]any{"error": "reply",
					"values": map[string]any{"1": "delivered", "2": "failed", "8": "sent", "16": "failed"}},
			}},
		{Name: "generic", Label: txt("درگاه HTTP دیگر", "Other HTTP gateway"),
			Settings: map[string]any{"driver": "generic", "method": "POST"}},
	}
}
