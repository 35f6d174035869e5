package channels

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// WebhookError answers a provider's webhook call with status and a JSON
// body {"error": reason}.
func WebhookError(w http.ResponseWriter, status int, reason string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": reason})
}

// ReadWebhookBody reads a webhook call's body of at most max bytes. When
// it cannot (413 for a larger body, 400 for a broken one) it answers the
// call with WebhookError and reports false.
func ReadWebhookBody(w http.ResponseWriter, r *http.Request, max int) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(max)))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		WebhookError(w, http.StatusRequestEntityTooLarge, "body is larger than "+strconv.Itoa(max)+" bytes")
		return nil, false
	case err != nil:
		WebhookError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return nil, false
	}
	return body, true
}
