package telegram

import "github.com/peykhq/peyk/channels"

// presets are a bot receiving by polling (works behind NAT, no public
// address) and one receiving by webhook.
func presets() []channels.Preset {
	return []channels.Preset{
		{Name: "polling", Label: channels.Text{Fa: "ربات با دریافت پیاپی (بدون نشانی عمومی)", En: "Bot, polling (no public address needed)"},
			Settings: map[string]any{"mode": string(ModePolling)}},
		{Name: "webhook", Label: channels.Text{Fa: "ربات با وب\u200cهوک (نشانی HTTPS عمومی)", En: "Bot, webhook (public HTTPS address)"},
			Settings: map[string]any{"mode": string(ModeWebhook)}},
	}
}
