package channels

import (
	"errors"
	"fmt"
	"time"
)

// ErrPermanent marks a send failure that retrying cannot fix.
var ErrPermanent = errors.New("channels: permanent failure")

// ErrInvalid marks bad input from a provider or a caller.
var ErrInvalid = errors.New("invalid")

// ErrWindowClosed marks a free-text reply refused because the kind's
// reply window (Driver.Window) is closed: the customer has not written
// recently enough, and only an approved template may be sent. It comes
// with ErrPermanent. Its text is stable: the web recognizes it in a
// stored delivery error and shows it in the agent's language.
var ErrWindowClosed = errors.New("the customer has not written in the last 24 hours: only an approved template may be sent")

// RetryAfterError is a send failure the provider asked us to retry no
// sooner than After (Telegram's 429 retry_after, an HTTP Retry-After).
type RetryAfterError struct {
	After time.Duration
	Err   error
}

// Error describes the failure and the wait.
func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}

// Unwrap returns the provider's error.
func (e *RetryAfterError) Unwrap() error { return e.Err }
