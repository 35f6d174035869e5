package kavenegar

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/internal/hook"
	"github.com/peykhq/peyk/channels/sms/redact"
)

// reply is the envelope of every Kavenegar API response.
type reply struct {
	Return struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"return"`
	Entries json.RawMessage `json:"entries"`
}

// entry is one message in a Kavenegar reply (send, status, receive).
type entry struct {
	MessageID  int64  `json:"messageid"`
	Message    string `json:"message"`
	Status     int    `json:"status"`
	StatusText string `json:"statustext"`
	Sender     string `json:"sender"`
	Receptor   string `json:"receptor"`
	Date       int64  `json:"date"`
	Cost       int64  `json:"cost"`
}

// APIError is a Kavenegar reply whose return.status is not 200.
type APIError struct {
	Status  int
	Message string
}

// Error names the status and Kavenegar's (Persian) explanation.
func (e *APIError) Error() string {
	return fmt.Sprintf("Kavenegar error %d: %s", e.Status, e.Message)
}

// Unwrap classifies the error for the sender's retry logic: codes that
// mean bad input or a bad account (invalid receptor 411, sender 412,
// message 413, too many receptors 414, no credit 418, invalid API key 403
// and the like) wrap channels.ErrPermanent; the rest are retried.
func (e *APIError) Unwrap() error {
	if permanent(e.Status) {
		return channels.ErrPermanent
	}
	return nil
}

// permanent reports whether a Kavenegar status means retrying cannot help.
// 402 (operation failed), 409 (server busy), 429 and 451 (too many
// requests) and 5xx are transient.
func permanent(status int) bool {
	switch status {
	case 402, 409, 429, 451:
		return false
	}
	return status >= 400 && status < 500
}

// rateLimited reports whether a status asks the caller to slow down.
func rateLimited(status int) bool { return status == 429 || status == 451 }

// call posts params to the API method (such as "sms/send") and decodes the
// entries of a successful reply into entries.
func (g *Gateway) call(ctx context.Context, method string, params url.Values, entries any) error {
	endpoint := g.cfg.APIBase + "/v1/" + url.PathEscape(g.cfg.APIKey) + "/" + method + ".json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(params.Encode()))
	if err != nil {
		return g.redact(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	resp, err := g.http.Do(req)
	if err != nil {
		return g.redact(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("read reply: %w", g.redact(err))
	}
	var r reply
	if err := json.Unmarshal(data, &r); err != nil || r.Return.Status == 0 {
		err := fmt.Errorf("HTTP %d with no Kavenegar reply", resp.StatusCode)
		if rateLimited(resp.StatusCode) {
			return &channels.RetryAfterError{After: hook.RetryAfter(resp.Header, time.Minute), Err: err}
		}
		return err
	}
	if r.Return.Status != 200 {
		err := &APIError{Status: r.Return.Status, Message: r.Return.Message}
		if rateLimited(err.Status) {
			return &channels.RetryAfterError{After: hook.RetryAfter(resp.Header, time.Minute), Err: err}
		}
		return err
	}
	if entries == nil || len(r.Entries) == 0 || string(r.Entries) == "null" {
		return nil
	}
	if err := json.Unmarshal(r.Entries, entries); err != nil {
		return fmt.Errorf("decode entries: %w", err)
	}
	return nil
}

// redact removes the API key from an error that names the request URL
// (shown as API-KEY there), and the key and callback secret from its text
// wherever else they sit.
func (g *Gateway) redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = strings.ReplaceAll(ue.URL, url.PathEscape(g.cfg.APIKey), "API-KEY")
	}
	return redact.New(g.cfg.APIKey, g.cfg.CallbackSecret).Error(err)
}
