package crm

import (
	"errors"

	"github.com/peykhq/peyk/channels"
)

// Sentinel error kinds; the web layer maps them to HTTP statuses.
var (
	// ErrNotFound means the contact, identity or merge does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input cannot be used (an unparseable address).
	// It is channels.ErrInvalid, so adapters recognize the inbox's
	// rejections as bad input.
	ErrInvalid = channels.ErrInvalid
	// ErrConflict means the change clashes with the current state.
	ErrConflict = errors.New("conflict")
)
