package crm

import "errors"

// Sentinel error kinds; the web layer maps them to HTTP statuses.
var (
	// ErrNotFound means the contact, identity or merge does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input cannot be used (an unparseable address).
	ErrInvalid = errors.New("invalid")
	// ErrConflict means the change clashes with the current state.
	ErrConflict = errors.New("conflict")
)
