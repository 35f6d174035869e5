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
