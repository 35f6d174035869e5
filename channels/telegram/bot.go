package telegram

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/peykhq/peyk/channels"
)

// requestMargin is how much longer than the long-poll timeout an API
// request may take before the HTTP client gives up on it.
const requestMargin = 30 * time.Second

// fileTimeout bounds one file download.
const fileTimeout = 5 * time.Minute

// Bot is a Telegram channel at run time: one bot token on one Bot API
// server. It is safe for concurrent use.
type Bot struct {
	channelID int64
	cfg       Config
	token     string
	tmpl      *tgbotapi.BotAPI // copied per call with a context-aware client
	api       *http.Client
	files     *http.Client
	log       *slog.Logger

	// backoffMin and backoffMax bound the pause after a failed poll.
	backoffMin, backoffMax time.Duration
}

var (
	_ channels.Receiver = (*Bot)(nil)
	_ channels.Sender   = (*Bot)(nil)
	_ channels.Tester   = (*Bot)(nil)
	_ Files             = (*Bot)(nil)
)

// New checks cfg and sec, calls getMe to check the token and returns the
// bot of the channel with id channelID. Every request of the bot, file
// downloads too, goes through cfg.ProxyURL when it is set. log may be nil.
func New(ctx context.Context, channelID int64, cfg Config, sec Secrets, log *slog.Logger) (*Bot, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := sec.Validate(cfg.Mode); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	viaProxy, err := proxy(cfg, sec)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	tr.Proxy = viaProxy
	b := &Bot{
		channelID:  channelID,
		cfg:        cfg,
		token:      sec.Token,
		api:        &http.Client{Transport: tr, Timeout: time.Duration(cfg.PollTimeout) + requestMargin},
		files:      &http.Client{Transport: tr, Timeout: fileTimeout},
		log:        log,
		backoffMin: time.Second,
		backoffMax: time.Minute,
	}
	d := &doer{ctx: ctx, client: b.api, token: b.token}
	tmpl, err := tgbotapi.NewBotAPIWithClient(sec.Token, cfg.APIEndpoint+"/bot%s/%s", d)
	if err != nil {
		return nil, classify("getMe", err, d.status)
	}
	tmpl.Client = nil
	b.tmpl = tmpl
	return b, nil
}

// Self returns the bot's own user, as getMe reported it when New ran.
func (b *Bot) Self() tgbotapi.User { return b.tmpl.Self }

// Test calls getMe and reports whether the token still works and the
// server answers.
func (b *Bot) Test(ctx context.Context) error {
	api, d := b.call(ctx)
	if _, err := api.GetMe(); err != nil {
		return classify("getMe", err, d.status)
	}
	return nil
}

// call returns a copy of the SDK client whose requests carry ctx, and the
// doer that records the HTTP status of the last response.
func (b *Bot) call(ctx context.Context) (*tgbotapi.BotAPI, *doer) {
	d := &doer{ctx: ctx, client: b.api, token: b.token}
	api := *b.tmpl
	api.Client = d
	return &api, d
}

// doer is the SDK's HTTP client for one call: it adds the call's context
// (the SDK builds requests without one), records the response status (the
// SDK drops it on uploads) and keeps the token out of errors.
type doer struct {
	ctx    context.Context
	client *http.Client
	token  string
	status int
}

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req.WithContext(d.ctx))
	if err != nil {
		return nil, redact(err, d.token)
	}
	d.status = resp.StatusCode
	return resp, nil
}

// redact removes the bot token from the URL an HTTP error names.
func redact(err error, token string) error {
	var ue *url.Error
	if token != "" && errors.As(err, &ue) {
		ue.URL = strings.ReplaceAll(ue.URL, token, "<token>")
	}
	return err
}
