package twilio

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
)

// apiError is the JSON body of a failed Twilio REST request.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// Send sends m as an SMS (an MMS when it has attachments, which Twilio
// fetches from their URLs) through the Messages resource and returns the
// message's sid. A 4xx reply, such as error 21211 for an invalid number,
// wraps channels.ErrPermanent; 429 is a channels.RetryAfterError; other
// failures are retried.
func (g *Gateway) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	form := url.Values{"To": {m.To.Value}, "Body": {m.Text}}
	if strings.HasPrefix(g.cfg.From, "MG") {
		form.Set("MessagingServiceSid", g.cfg.From)
	} else {
		form.Set("From", g.cfg.From)
	}
	if g.cfg.StatusCallbackURL != "" {
		form.Set("StatusCallback", g.cfg.StatusCallbackURL)
	}
	for _, a := range m.Attachments {
		if a.URL == "" {
			return channels.SendResult{}, fmt.Errorf("twilio: attachment %q has no URL; Twilio sends media only from a public URL: %w", a.Name, channels.ErrPermanent)
		}
		form.Add("MediaUrl", a.URL)
	}
	var out struct {
		SID string `json:"sid"`
	}
	path := "/2010-04-01/Accounts/" + url.PathEscape(g.cfg.AccountSID) + "/Messages.json"
	if err := g.do(ctx, http.MethodPost, path, form, &out); err != nil {
		return channels.SendResult{}, fmt.Errorf("twilio: send to %s: %w", m.To.Value, err)
	}
	if out.SID == "" {
		return channels.SendResult{}, errors.New("twilio: send: the reply has no message sid")
	}
	return channels.SendResult{ExternalID: out.SID}, nil
}

// Test checks the account SID and auth token by fetching the account.
func (g *Gateway) Test(ctx context.Context) error {
	var out struct {
		Status string `json:"status"`
	}
	path := "/2010-04-01/Accounts/" + url.PathEscape(g.cfg.AccountSID) + ".json"
	if err := g.do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return fmt.Errorf("twilio: check account %s: %w", g.cfg.AccountSID, err)
	}
	if out.Status != "" && out.Status != "active" {
		return fmt.Errorf("twilio: account %s is %s", g.cfg.AccountSID, out.Status)
	}
	return nil
}

// do makes an authenticated REST request and decodes the JSON reply into
// out, classifying failures for the sender's retry logic.
func (g *Gateway) do(ctx context.Context, method, path string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, g.cfg.APIBase+path, body)
	if err != nil {
		return err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(g.cfg.AccountSID, g.cfg.AuthToken)
	resp, err := g.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("read reply: %w", err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decode reply: %w", err)
		}
		return nil
	}
	var ae apiError
	_ = json.Unmarshal(data, &ae)
	err = fmt.Errorf("HTTP %d", resp.StatusCode)
	if ae.Code != 0 || ae.Message != "" {
		err = fmt.Errorf("HTTP %d, Twilio error %d: %s", resp.StatusCode, ae.Code, ae.Message)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return &channels.RetryAfterError{After: hook.RetryAfter(resp.Header, 5*time.Second), Err: err}
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return fmt.Errorf("%w: %w", err, channels.ErrPermanent)
	}
	return err
}
