package telegram

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	neturl "net/url"

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
	return b.setWebhook(ctx, tgbotapi.Params{"url": url, "secret_token": secretToken})
}

// SetWebhookInURL tells a service that sends no secret header (Bale) to
// POST updates to url with secret as its "secret" query parameter, which
// a Webhook with QuerySecret checks. The secret is offered as
// secret_token too; a service that refuses that parameter is asked again
// without it.
func (b *Bot) SetWebhookInURL(ctx context.Context, url, secret string) error {
	if !validSecret(secret) {
		return fmt.Errorf("telegram: setWebhook: secret must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -: %w",
			channels.ErrInvalid)
	}
	u, err := neturl.Parse(url)
	if err != nil {
		return fmt.Errorf("telegram: setWebhook: url: %w: %w", err, channels.ErrInvalid)
	}
	q := u.Query()
	q.Set("secret", secret)
	u.RawQuery = q.Encode()
	err = b.setWebhook(ctx, tgbotapi.Params{"url": u.String(), "secret_token": secret})
	if errors.Is(err, channels.ErrPermanent) { // a 4xx: perhaps the parameter
		b.log.Warn("telegram: setWebhook refused secret_token; set without it (the secret is in the URL)",
			"channel_id", b.channelID, "err", err)
		err = b.setWebhook(ctx, tgbotapi.Params{"url": u.String()})
	}
	return err
}

func (b *Bot) setWebhook(ctx context.Context, params tgbotapi.Params) error {
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
