// Package twilio is the Twilio driver of the SMS channel: REST sends, the
// incoming-message webhook and delivery status callbacks, each webhook
// checked against its X-Twilio-Signature.
package twilio

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms"
)

// DefaultAPIBase is Twilio's REST API.
const DefaultAPIBase = "https://api.twilio.com"

// Config is one Twilio account and sending number.
type Config struct {
	// ChannelID is the channels row inbound messages are filed under.
	ChannelID int64 `json:"-"`
	// AccountSID is the account's id (AC…).
	AccountSID string `json:"account_sid"`
	// AuthToken is the account's secret: it authenticates sends and signs
	// webhooks.
	AuthToken string `json:"auth_token"`
	// From is the sending number in E.164 (+1415…), or a Messaging Service
	// id (MG…).
	From string `json:"from"`
	// APIBase is the REST API root; empty means DefaultAPIBase.
	APIBase string `json:"api_base,omitempty"`
	// StatusCallbackURL, when set, is passed with every send so Twilio
	// reports delivery to StatusHandler.
	StatusCallbackURL string `json:"status_callback_url,omitempty"`
	// PublicURL is the scheme and host (and any path prefix a proxy strips)
	// under which Twilio reaches Peyk, such as https://peyk.example.com.
	// Signatures cover the URL Twilio called, so the handlers check them
	// against PublicURL followed by the request's path and query. Empty
	// means the URL is rebuilt from the request, trusting
	// X-Forwarded-Proto and X-Forwarded-Host.
	PublicURL string `json:"public_url,omitempty"`
	// HTTPClient sends REST requests; nil means a client with a 30 s
	// timeout.
	HTTPClient *http.Client `json:"-"`
	// Logger receives errors the webhooks cannot report to Twilio; nil
	// means slog.Default().
	Logger *slog.Logger `json:"-"`
}

// Gateway is a Twilio account as an SMS gateway. It is safe for concurrent
// use.
type Gateway struct {
	cfg  Config
	http *http.Client
	log  *slog.Logger
}

var (
	_ sms.Gateway     = (*Gateway)(nil)
	_ channels.Tester = (*Gateway)(nil)
)

// New checks cfg and returns its Gateway.
func New(cfg Config) (*Gateway, error) {
	lacks := &channels.Problems{Prefix: "twilio: config lacks ", Sep: ", "}
	for _, f := range []struct{ name, value string }{{"account_sid", cfg.AccountSID}, {"auth_token", cfg.AuthToken}, {"from", cfg.From}} {
		if f.value == "" {
			lacks.Errs = append(lacks.Errs, &channels.FieldError{Field: f.name, Reason: channels.ReasonRequired, Err: errors.New(f.name)})
		}
	}
	if len(lacks.Errs) > 0 {
		return nil, lacks
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	cfg.APIBase = strings.TrimRight(cfg.APIBase, "/")
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	g := &Gateway{cfg: cfg, http: cfg.HTTPClient, log: cfg.Logger}
	if g.http == nil {
		g.http = &http.Client{Timeout: 30 * time.Second}
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	return g, nil
}
