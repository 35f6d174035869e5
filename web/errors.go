package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/templates"
)

// apiError is the one shape of every JSON error: {"error": {"code", "message"}}.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Fields are the fields at fault when the input was bad field by
	// field (channels.FieldError).
	Fields []apiFieldError `json:"fields,omitempty"`
}

// apiFieldError is one field at fault: its name, the catalogue key of
// the reason (stable, for clients that translate) and the detail.
type apiFieldError struct {
	Field   string `json:"field"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// statusOf maps the domain's error kinds to an HTTP status and a code, in
// this one place.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, crm.ErrNotFound), errors.Is(err, templates.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, crm.ErrInvalid), errors.Is(err, templates.ErrInvalid):
		return http.StatusBadRequest, "invalid"
	case errors.Is(err, crm.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized, "unauthorized"
	case errors.Is(err, errForbidden):
		return http.StatusForbidden, "forbidden"
	case db.IsTransient(err):
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusInternalServerError, "internal"
}

var (
	errUnauthorized = errors.New("authentication required: send Authorization: Bearer <token>")
	errForbidden    = errors.New("your role may not do this")
)

// RetryAfter is the Retry-After (seconds) of a 503 answered while the
// database cannot be reached.
const RetryAfter = "5"

// writeError answers with the JSON error for err. Internal errors are
// logged and their text is not sent; a database that cannot be reached
// answers 503 with Retry-After, never a generic 500.
func writeError(w http.ResponseWriter, log *slog.Logger, err error) {
	status, code := statusOf(err)
	msg := err.Error()
	switch status {
	case http.StatusInternalServerError:
		log.Error("request failed", "err", err)
		msg = "internal error; see the server log"
	case http.StatusServiceUnavailable:
		log.Warn("request failed: a service it needs is unreachable", "err", err)
		msg = "the database or another service Peyk needs cannot be reached; retry later"
		w.Header().Set("Retry-After", RetryAfter)
	}
	answer := apiError{Code: code, Message: msg}
	if status < http.StatusInternalServerError {
		for _, fe := range channels.FieldErrors(err) {
			answer.Fields = append(answer.Fields, apiFieldError{Field: fe.Field, Reason: fe.Reason, Message: fe.Err.Error()})
		}
	}
	writeJSON(w, status, map[string]apiError{"error": answer})
}
