package telegram

import (
	"context"
	"crypto/rand"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/peykhq/peyk/channels"
)

// SetWebhook tells Telegram to POST updates to url with secretToken in the
// X-Telegram-Bot-Api-Secret-Token header (the SDK's WebhookConfig has no
// secret, so setWebhook is called directly). Only messages and edited
// messages are requested.
func (b *Bot) SetWebhook(ctx context.Context, url, secretToken string) error {
	if !validSecret(secretToken) {
		return fmt.Errorf("telegram: setWebhook: secret token must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -: %w",
			channels.ErrInvalid)
	}
	params := tgbotapi.Params{"url": url, "secret_token": secretToken}
	if err := params.AddInterface("allowed_updates", []string{"message", "edited_message"}); err != nil {
		return fmt.Errorf("telegram: setWebhook: %w", err)
	}
	api, d := b.call(ctx)
	if _, err := api.MakeRequest("setWebhook", params); err != nil {
		return classify("setWebhook", err, d.status)
	}
	return nil
}

// DeleteWebhook removes the webhook, so that getUpdates works again.
// Updates Telegram holds are kept.
func (b *Bot) DeleteWebhook(ctx context.Context) error {
	api, d := b.call(ctx)
	if _, err := api.MakeRequest("deleteWebhook", nil); err != nil {
		return classify("deleteWebhook", err, d.status)
	}
	return nil
}

// NewSecret returns a random webhook secret token (128 bits in base32),
// which setWebhook accepts.
func NewSecret() string { return rand.Text() }
