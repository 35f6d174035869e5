package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/peykhq/peyk/channels"
)

// maxAnswer is the largest Graph API answer read (media files aside).
const maxAnswer = 1 << 20

// Client is a WhatsApp channel at run time: one business phone number on
// the Cloud API. It sends (Send), downloads media (Download),
// checks its settings (Test) and builds its webhook handler (Webhook). It
// is safe for concurrent use.
type Client struct {
	channelID int64
	cfg       Config
	sec       Secrets
	http      *http.Client
	log       *slog.Logger
	now       func() time.Time
}

var (
	_ channels.Sender = (*Client)(nil)
	_ channels.Tester = (*Client)(nil)
)

// New returns the client of channel channelID. It checks cfg and sec
// (errors wrap channels.ErrInvalid) but calls nothing: Test does. A nil
// log discards.
func New(channelID int64, cfg Config, sec Secrets, log *slog.Logger) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := sec.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{
		channelID: channelID,
		cfg:       cfg.WithDefaults(),
		sec:       sec,
		http:      &http.Client{Timeout: 60 * time.Second},
		log:       log,
		now:       time.Now,
	}, nil
}

// Config returns the client's configuration with its defaults.
func (c *Client) Config() Config { return c.cfg }

// endpoint is the Graph API URL of path (without the version).
func (c *Client) endpoint(path ...string) string {
	u := c.cfg.BaseURL + "/" + c.cfg.APIVersion
	for _, p := range path {
		u += "/" + url.PathEscape(p)
	}
	return u
}

// call makes one Graph API request with the access token, sending in as
// JSON when not nil and reading the answer into out (see do).
func (c *Client) call(ctx context.Context, what, method, u string, in, out any) error {
	if in == nil {
		return c.do(ctx, what, method, u, "", nil, out)
	}
	js, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("whatsapp: %s: %w", what, err)
	}
	return c.do(ctx, what, method, u, "application/json", bytes.NewReader(js), out)
}

// do makes one Graph API request with the access token, sending body of
// type contentType when not nil and reading the JSON answer into out. A
// failure answer is classified (see classify); a network failure stays
// plain.
func (c *Client) do(ctx context.Context, what, method, u, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("whatsapp: %s: %w", what, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.sec.AccessToken)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("whatsapp: %s: %w", what, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("whatsapp: %s: reading the answer: %w", what, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return classify(what, apiError(resp.StatusCode, data), resp.Header.Get("Retry-After"))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("whatsapp: %s: answer is not the expected JSON: %w", what, err)
		}
	}
	return nil
}

// apiError reads an error answer; one that is not Graph API JSON keeps
// the start of its body as the message.
func apiError(status int, data []byte) *APIError {
	var b apiErrorBody
	e := &APIError{Status: status}
	if json.Unmarshal(data, &b) == nil && (b.Error.Code != 0 || b.Error.Message != "") {
		e.Code, e.Subcode, e.Type = b.Error.Code, b.Error.ErrorSubcode, b.Error.Type
		e.Message, e.Details, e.TraceID = b.Error.Message, b.Error.ErrorData.Details, b.Error.FBTraceID
		return e
	}
	if len(data) > 200 {
		data = data[:200]
	}
	e.Message = string(bytes.ToValidUTF8(bytes.TrimSpace(data), nil))
	return e
}

// Test checks the access token and the phone number id by reading the
// number's display name from the Graph API.
func (c *Client) Test(ctx context.Context) error {
	var out struct {
		ID                 string `json:"id"`
		DisplayPhoneNumber string `json:"display_phone_number"`
	}
	u := c.endpoint(c.cfg.PhoneNumberID) + "?fields=display_phone_number,verified_name"
	if err := c.call(ctx, "test", http.MethodGet, u, nil, &out); err != nil {
		return err
	}
	if out.ID == "" {
		return fmt.Errorf("whatsapp: test: phone number %s not found: %w", c.cfg.PhoneNumberID, channels.ErrPermanent)
	}
	return nil
}

// Webhook returns the channel's webhook handler: NewWebhook with the
// client's channel, number, secrets, media downloads and logger.
func (c *Client) Webhook(sink Sink) *Webhook {
	h := NewWebhook(c.channelID, c.cfg.PhoneNumberID, c.sec, sink, c)
	h.Log = c.log
	return h
}
