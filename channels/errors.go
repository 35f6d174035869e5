package channels

import "errors"

// ErrPermanent marks a send failure that retrying cannot fix.
var ErrPermanent = errors.New("channels: permanent failure")

// ErrInvalid marks bad input from a provider or a caller.
var ErrInvalid = errors.New("channels: invalid")
