package telegram

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
)

// Mode says how a bot receives updates.
type Mode string

// The modes of a bot.
const (
	// ModePolling long-polls getUpdates (Bot.Run). It needs no public URL.
	ModePolling Mode = "polling"
	// ModeWebhook has Telegram POST each update to WebhookURL (Webhook).
	ModeWebhook Mode = "webhook"
)

// Defaults of the optional Config fields.
const (
	DefaultAPIEndpoint  = "https://api.telegram.org"
	DefaultPollTimeout  = 30 * time.Second
	DefaultPollInterval = time.Second
	// DefaultMaxFileSize is the largest file downloaded from Telegram: the
	// public Bot API serves files up to 20 MB.
	DefaultMaxFileSize = 20 << 20
)

// Config is a Telegram channel's configuration without its secrets. It is
// stored as the channel's JSON config.
type Config struct {
	// APIEndpoint is the Bot API server, without "/bot…": the public
	// DefaultAPIEndpoint, a self-hosted telegram-bot-api server or a test
	// stand-in. Method calls go to APIEndpoint/bot<token>/<method> and
	// files are downloaded from APIEndpoint/file/bot<token>/<path>.
	APIEndpoint string `json:"api_endpoint,omitempty"`
	// ProxyURL is the proxy every Bot API call and file download of the
	// bot goes through: http://, https:// or socks5:// (socks5h://),
	// with a port, for networks that filter Telegram. It may name a user
	// but carries no password: that is Secrets.ProxyPassword (see
	// MoveProxyPassword). Empty means the HTTPS_PROXY, HTTP_PROXY and
	// NO_PROXY environment variables.
	ProxyURL string `json:"proxy_url,omitempty"`
	// Mode is ModePolling (the default) or ModeWebhook.
	Mode Mode `json:"mode,omitempty"`
	// WebhookURL is the public HTTPS address Telegram posts updates to in
	// webhook mode.
	WebhookURL string `json:"webhook_url,omitempty"`
	// PollTimeout is how long one getUpdates call waits for updates.
	// Zero means DefaultPollTimeout.
	PollTimeout Duration `json:"poll_timeout,omitempty"`
	// PollInterval is the pause after a poll that returned nothing (some
	// Bot API stand-ins answer at once instead of waiting). Zero means
	// DefaultPollInterval.
	PollInterval Duration `json:"poll_interval,omitempty"`
	// MaxFileSize is the largest attachment downloaded, in bytes; larger
	// files are kept as a name and type without content. Zero means
	// DefaultMaxFileSize.
	MaxFileSize int64 `json:"max_file_size,omitempty"`
	// Identity is the kind of the users' ids, set by the driver of a
	// service that follows the Bot API with ids of its own (Bale); empty
	// means channels.IdentityTelegram. It is not stored.
	Identity channels.IdentityKind `json:"-"`
}

// identity returns the kind of the bot's users' ids.
func (c Config) identity() channels.IdentityKind {
	if c.Identity == "" {
		return channels.IdentityTelegram
	}
	return c.Identity
}

// Secrets are a Telegram channel's secrets, kept apart from Config so they
// can be encrypted at rest.
type Secrets struct {
	// Token is the bot token from @BotFather ("123456:ABC-DEF…"). It is
	// part of every request URL: never log those URLs.
	Token string `json:"token"`
	// WebhookSecret is the secret_token given to setWebhook; Telegram sends
	// it back in the X-Telegram-Bot-Api-Secret-Token header. NewSecret
	// makes one.
	WebhookSecret string `json:"webhook_secret,omitempty"`
	// ProxyPassword is the password of Config.ProxyURL's user, if the
	// proxy wants one.
	ProxyPassword string `json:"proxy_password,omitempty"`
}

// WithDefaults returns c with every empty optional field set to its default.
func (c Config) WithDefaults() Config {
	if c.APIEndpoint == "" {
		c.APIEndpoint = DefaultAPIEndpoint
	}
	c.APIEndpoint = strings.TrimRight(c.APIEndpoint, "/")
	if c.Mode == "" {
		c.Mode = ModePolling
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = Duration(DefaultPollTimeout)
	}
	if c.PollInterval <= 0 {
		c.PollInterval = Duration(DefaultPollInterval)
	}
	if c.MaxFileSize <= 0 {
		c.MaxFileSize = DefaultMaxFileSize
	}
	return c
}

// Validate reports every problem of c in one error wrapping
// channels.ErrInvalid, or nil when c is usable. Empty optional fields are
// fine.
func (c Config) Validate() error {
	p := &channels.Problems{Prefix: "telegram: config: "}
	bad := func(field, reason, format string, args ...any) {
		p.Errs = append(p.Errs, &channels.FieldError{Field: field, Reason: reason, Err: fmt.Errorf(format, args...)})
	}
	if c.APIEndpoint != "" && !isHTTPURL(c.APIEndpoint) {
		bad("api_endpoint", channels.ReasonURL, "api endpoint %q is not an http or https URL", c.APIEndpoint)
	}
	if c.ProxyURL != "" {
		if msg := checkProxyURL(c.ProxyURL); msg != "" {
			bad("proxy_url", ReasonProxy, "%s", msg)
		}
	}
	switch c.Mode {
	case "", ModePolling:
	case ModeWebhook:
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
			bad("webhook_url", ReasonHTTPS, "webhook url %q is not an https URL (Telegram posts only to HTTPS)", c.WebhookURL)
		}
	default:
		bad("mode", channels.ReasonEnum, "mode %q is not one of polling, webhook", c.Mode)
	}
	if c.PollTimeout < 0 || time.Duration(c.PollTimeout) > 10*time.Minute {
		bad("poll_timeout", ReasonPollTimeout, "poll timeout %s is not between 0 and 10m", time.Duration(c.PollTimeout))
	}
	if c.PollInterval < 0 {
		bad("poll_interval", channels.ReasonDuration, "poll interval %s is negative", time.Duration(c.PollInterval))
	}
	if c.MaxFileSize < 0 {
		bad("max_file_size", channels.ReasonInt, "max file size %d is negative", c.MaxFileSize)
	}
	if len(p.Errs) == 0 {
		return nil
	}
	return p
}

// The reason keys of the field errors Validate returns beyond the
// channels package's (catalogue keys of the web's sentences).
const (
	ReasonProxy       = "channels.error.proxy"
	ReasonHTTPS       = "channels.error.https"
	ReasonPollTimeout = "channels.error.poll_timeout"
	ReasonToken       = "channels.error.token"
	ReasonSecret      = "channels.error.webhook_secret"
)

// Validate reports what is wrong with s for a bot in mode, in one error
// wrapping channels.ErrInvalid, or nil. The token must look like one from
// @BotFather; webhook mode needs a WebhookSecret of 1 to 256 characters
// from A-Z, a-z, 0-9, _ and -.
func (s Secrets) Validate(mode Mode) error {
	p := &channels.Problems{Prefix: "telegram: secrets: "}
	if id, rest, ok := strings.Cut(s.Token, ":"); !ok || id == "" || rest == "" ||
		strings.ContainsAny(s.Token, "/?#% \t\r\n") {
		p.Errs = append(p.Errs, &channels.FieldError{Field: "token", Reason: ReasonToken,
			Err: errors.New("token is not a bot token like 123456:ABC-DEF…")})
	}
	if mode == ModeWebhook && !validSecret(s.WebhookSecret) {
		p.Errs = append(p.Errs, &channels.FieldError{Field: "webhook_secret", Reason: ReasonSecret,
			Err: errors.New("webhook secret must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")})
	}
	if len(p.Errs) == 0 {
		return nil
	}
	return p
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// validSecret reports whether s is a secret_token Telegram accepts.
func validSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
