package telegram

import (
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/peykhq/peyk/channels"
)

// MaxWebhookBody is the largest webhook request body read, in bytes.
const MaxWebhookBody = 1 << 20

// SecretHeader is the header in which Telegram sends the webhook's secret
// token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Webhook is the HTTP handler Telegram posts updates to in webhook mode.
// It answers:
//
//   - 405 to anything but POST;
//   - 401 when the X-Telegram-Bot-Api-Secret-Token header is missing or is
//     not Secret (compared in constant time), before reading the body;
//   - 413 to a body over MaxWebhookBody, 400 to one that is not a JSON
//     update;
//   - 200 once the update is committed (sink.Ingest or sink.Update
//     returned nil), or when there is nothing to store (a group message);
//   - 503 when an attachment could not be downloaded from Telegram, 500
//     when the sink failed: Telegram then delivers the update again.
//
// Errors are JSON: {"error": "…"}. A request answered with a 4xx stores
// nothing; one answered with a 5xx is safe to repeat (the inbox skips a
// message it already has).
type Webhook struct {
	// ChannelID is the channel the updates belong to.
	ChannelID int64
	// Secret is the secret_token given to setWebhook. When it is empty
	// every request is refused.
	Secret string
	// Sink takes new messages (Ingest) and edits (Update).
	Sink Sink
	// Files downloads attachments; nil keeps only their names and types.
	Files Files
	// Log receives the failures answered with a 5xx; nil discards them.
	Log *slog.Logger
	// Identity is the kind of the senders' ids; empty means
	// channels.IdentityTelegram.
	Identity channels.IdentityKind
	// QuerySecret also accepts Secret as the "secret" query parameter,
	// for a service that sends no secret header (Bale): the secret is
	// then part of the webhook URL given to setWebhook.
	QuerySecret bool
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the webhook handler of channel channelID, which
// checks secret and hands updates to sink, downloading files with files.
func NewWebhook(channelID int64, secret string, sink Sink, files Files) *Webhook {
	return &Webhook{ChannelID: channelID, Secret: secret, Sink: sink, Files: files}
}

// Webhook returns the bot's webhook handler: NewWebhook with the bot's
// channel, its file downloads and its logger.
func (b *Bot) Webhook(secret string, sink Sink) *Webhook {
	h := NewWebhook(b.channelID, secret, sink, b)
	h.Log, h.Identity = b.log, b.cfg.identity()
	return h
}

// ServeHTTP handles one update.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		channels.WebhookError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	if !h.authentic(r) {
		channels.WebhookError(w, http.StatusUnauthorized, "missing or wrong "+SecretHeader)
		return
	}
	body, ok := channels.ReadWebhookBody(w, r, MaxWebhookBody)
	if !ok {
		return
	}
	var u tgbotapi.Update
	if err := json.Unmarshal(body, &u); err != nil {
		channels.WebhookError(w, http.StatusBadRequest, "not a Telegram update: "+err.Error())
		return
	}
	ev, err := ConvertAs(r.Context(), h.ChannelID, cmp.Or(h.Identity, channels.IdentityTelegram), u, h.Files)
	if err != nil {
		h.logError("telegram: webhook: download failed", u.UpdateID, err)
		channels.WebhookError(w, http.StatusServiceUnavailable, "could not download the attachment; try again")
		return
	}
	switch {
	case ev.Inbound != nil:
		err = h.Sink.Ingest(r.Context(), []channels.Inbound{*ev.Inbound})
	case ev.Update != nil:
		_, err = h.Sink.Update(r.Context(), []channels.Update{*ev.Update})
	}
	if err != nil {
		h.logError("telegram: webhook: storing failed", u.UpdateID, err)
		channels.WebhookError(w, http.StatusInternalServerError, "could not store the update; try again")
		return
	}
	w.WriteHeader(http.StatusOK)
}

// authentic reports whether r carries the secret: in the header, or, with
// QuerySecret, in the URL.
func (h *Webhook) authentic(r *http.Request) bool {
	same := func(got string) bool {
		return h.Secret != "" && subtle.ConstantTimeCompare([]byte(got), []byte(h.Secret)) == 1
	}
	if got := r.Header.Get(SecretHeader); got != "" || !h.QuerySecret {
		return same(got)
	}
	return same(r.URL.Query().Get("secret"))
}

func (h *Webhook) logError(msg string, updateID int, err error) {
	if h.Log != nil {
		h.Log.Error(msg, "channel_id", h.ChannelID, "update_id", updateID, "err", err)
	}
}
