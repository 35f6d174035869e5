// Package hook holds what the SMS drivers' webhook handlers share: reading
// a form body, checking a URL secret, replying with a JSON error, and
// acknowledging only after the sink has committed.
package hook

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"time"
	"unicode"

	"github.com/peykhq/peyk/channels"
)

// MaxBody is the largest webhook body a handler reads, in bytes. An SMS of
// 1,600 Persian characters is about 30 KB form-encoded.
const MaxBody = 256 << 10

// Error replies with status and a JSON body {"error": reason}.
func Error(w http.ResponseWriter, status int, reason string) {
	channels.WebhookError(w, status, reason)
}

// PostForm reads an application/x-www-form-urlencoded body of at most
// MaxBody bytes and returns its fields (not the query string's).
func PostForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, fmt.Errorf("content type %q: want application/x-www-form-urlencoded", ct)
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		return nil, fmt.Errorf("malformed form body: %v", err)
	}
	return r.PostForm, nil
}

// Secret reports whether the request URL carries want, either as the path
// value named "secret" (a route such as /webhooks/sms/{secret}) or as the
// query parameter "secret". It compares in constant time and never accepts
// an empty secret.
func Secret(r *http.Request, want string) bool {
	got := r.PathValue("secret")
	if got == "" {
		got = r.URL.Query().Get("secret")
	}
	if want == "" || got == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// Phone reports whether s can be a phone number: it has a digit (ASCII,
// Persian or Arabic). The inbox normalizes it further.
func Phone(s string) bool {
	for _, r := range s {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// Ingest hands batch to sink and, when that fails, replies with an error
// and returns false. The caller acknowledges the webhook only on true, so
// the provider hears 2xx only for committed messages.
func Ingest(w http.ResponseWriter, r *http.Request, log *slog.Logger, sink channels.Sink, batch []channels.Inbound) bool {
	if err := sink.Ingest(r.Context(), batch); err != nil {
		log.Error("sms: store inbound message", "external_id", batch[0].ExternalID, "err", err)
		storeError(w, err)
		return false
	}
	return true
}

// Update applies updates through up and, when that fails, replies with an
// error and returns false.
func Update(w http.ResponseWriter, r *http.Request, log *slog.Logger, up channels.Updater, updates []channels.Update) bool {
	return UpdateWait(w, r, log, up, updates, 0)
}

// UpdateWait is Update that, while the updates match no stored message,
// tries again (after 50 ms, doubling up to 1 s) for up to wait: a gateway's
// delivery report can arrive before its send's reply, and with it the id
// the report names, is stored. Reports still unmatched then are logged and
// acknowledged; the gateway retrying them would not help.
func UpdateWait(w http.ResponseWriter, r *http.Request, log *slog.Logger, up channels.Updater, updates []channels.Update, wait time.Duration) bool {
	if len(updates) == 0 {
		return true
	}
	deadline := time.Now().Add(wait)
	pause := 50 * time.Millisecond
	for {
		n, err := up.Update(r.Context(), updates)
		if err != nil {
			log.Error("sms: apply delivery report", "external_id", updates[0].ExternalID, "err", err)
			storeError(w, err)
			return false
		}
		if n > 0 {
			return true
		}
		if wait <= 0 || time.Now().Add(pause).After(deadline) {
			break
		}
		select {
		case <-r.Context().Done():
			storeError(w, r.Context().Err())
			return false
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
	if wait > 0 {
		log.Warn("sms: delivery report matches no message", "channel_id", updates[0].ChannelID,
			"external_id", updates[0].ExternalID, "status", updates[0].Status)
	}
	return true
}

// storeError replies to a failed store: 400 for input the store rejects,
// 503 when the request was cancelled or timed out, else 500, which makes
// the provider retry where it retries.
func storeError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, channels.ErrInvalid):
		Error(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		Error(w, http.StatusServiceUnavailable, "the message was not stored in time; retry")
	default:
		Error(w, http.StatusInternalServerError, "the message could not be stored; retry")
	}
}
