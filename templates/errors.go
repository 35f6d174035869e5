package templates

import "errors"

// Sentinel error kinds; the web layer maps them to HTTP statuses.
var (
	// ErrNotFound means no template has that name, locale and kind.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means a template, locale or kind cannot be used; the
	// error's text says why, and a rejected template's error is an *Error.
	ErrInvalid = errors.New("invalid")
)
