// Package kavenegar is the Kavenegar (kavenegar.com) driver of the SMS
// channel: sends through sms/send.json, incoming messages by the panel's
// callback URL or by polling sms/receive.json, and delivery reports by
// callback or by polling sms/status.json. Kavenegar takes and returns
// Persian text as UTF-8.
package kavenegar

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms"
)

// DefaultAPIBase is Kavenegar's REST API.
const DefaultAPIBase = "https://api.kavenegar.com"

// Config is one Kavenegar account and line.
type Config struct {
	// ChannelID is the channels row inbound messages are filed under.
	ChannelID int64 `json:"-"`
	// APIKey is the account's secret key; Kavenegar takes it in the URL
	// path, so errors never include the request URL.
	APIKey string `json:"api_key"`
	// Sender is the line number messages are sent from and received on
	// (such as 10004346); empty sends from the account's default line.
	Sender string `json:"sender,omitempty"`
	// APIBase is the REST API root; empty means DefaultAPIBase.
	APIBase string `json:"api_base,omitempty"`
	// CallbackSecret authenticates Kavenegar's callbacks, which carry no
	// signature: the callback URLs set in the panel must carry it as the
	// {secret} path segment or the secret query parameter. Callbacks are
	// refused while it is empty.
	CallbackSecret string `json:"callback_secret,omitempty"`
	// PollSeconds is how often Run asks for new messages; 0 means 10.
	PollSeconds int `json:"poll_seconds,omitempty"`
	// HTTPClient makes API requests; nil means a client with a 30 s
	// timeout.
	HTTPClient *http.Client `json:"-"`
	// Logger receives what Run and the callbacks cannot report otherwise;
	// nil means slog.Default().
	Logger *slog.Logger `json:"-"`
}

// Gateway is a Kavenegar account as an SMS gateway. It is safe for
// concurrent use.
type Gateway struct {
	cfg  Config
	http *http.Client
	log  *slog.Logger
	poll time.Duration
}

var (
	_ sms.Gateway     = (*Gateway)(nil)
	_ channels.Tester = (*Gateway)(nil)
)

// New checks cfg and returns its Gateway.
func New(cfg Config) (*Gateway, error) {
	if cfg.APIKey == "" {
		return nil, channels.Invalid("api_key", channels.ReasonRequired, "kavenegar: config lacks api_key")
	}
	if strings.ContainsAny(cfg.APIKey, "/?#") {
		return nil, errors.New("kavenegar: api_key must not contain / ? or #")
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	g := &Gateway{cfg: cfg, http: cfg.HTTPClient, log: cfg.Logger, poll: 10 * time.Second}
	if cfg.PollSeconds > 0 {
		g.poll = time.Duration(cfg.PollSeconds) * time.Second
	}
	if g.http == nil {
		g.http = &http.Client{Timeout: 30 * time.Second}
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	return g, nil
}
