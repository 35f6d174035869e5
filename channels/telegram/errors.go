package telegram

import (
	"errors"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/peykhq/peyk/channels"
)

// classify turns an SDK error from method into the channels contract:
// Telegram's 429 with retry_after becomes a *channels.RetryAfterError;
// other 4xx replies (chat not found, bot blocked by the user, a bad file)
// wrap channels.ErrPermanent; 5xx replies and network errors stay plain so
// they are retried. status is the HTTP status of the reply, when any: the
// SDK leaves the error code empty on uploads.
func classify(method string, err error, status int) error {
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		if status != 0 {
			return fmt.Errorf("telegram: %s: HTTP %d: %w", method, status, err)
		}
		return fmt.Errorf("telegram: %s: %w", method, err)
	}
	code := te.Code
	if code == 0 {
		code = status
	}
	switch {
	case code == 429 || te.RetryAfter > 0:
		after := time.Duration(te.RetryAfter) * time.Second
		if after <= 0 {
			after = time.Second
		}
		return &channels.RetryAfterError{After: after, Err: fmt.Errorf("telegram: %s: %d %w", method, code, te)}
	case code >= 400 && code < 500:
		return fmt.Errorf("telegram: %s: %d %w: %w", method, code, te, channels.ErrPermanent)
	default:
		return fmt.Errorf("telegram: %s: %d %w", method, code, te)
	}
}

// apiCode returns the Telegram error code of err, or 0.
func apiCode(err error) int {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}
