package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/peykhq/peyk/channels"
)

// MaxWebhookBody is the largest webhook request body read, in bytes.
const MaxWebhookBody = 1 << 20

// SignatureHeader is the header in which Meta signs each notification:
// "sha256=" and the lower-case hex HMAC-SHA256 of the raw body keyed with
// the app secret.
const SignatureHeader = "X-Hub-Signature-256"

// Sink is where a channel's notifications go: new messages to Ingest,
// delivery statuses to Update. The inbox is one.
type Sink interface {
	channels.Sink
	channels.Updater
}

// Webhook is the HTTP handler Meta calls for the channel: the callback
// URL of the app's WhatsApp webhook. It answers:
//
//   - to GET (Meta's verification): 200 with hub.challenge as text when
//     hub.mode is "subscribe" and hub.verify_token is VerifyToken
//     (compared in constant time), else 403;
//   - 405 to anything but GET and POST;
//   - 413 to a body over MaxWebhookBody;
//   - 401 when X-Hub-Signature-256 is missing, lacks "sha256=" or is not
//     the HMAC of the body with AppSecret (compared in constant time);
//   - 400 to a signed body that is not a WhatsApp notification;
//   - 200 once its messages and statuses are committed, or when there is
//     nothing to store (another number's notification);
//   - 503 when a media file could not be downloaded, 500 when the sink
//     failed: Meta then delivers the notification again.
//
// Errors are JSON: {"error": "…"}. A request answered with a 4xx stores
// nothing; one answered with a 5xx is safe to repeat (the inbox skips a
// message it already has, and a status never moves back).
type Webhook struct {
	// ChannelID is the channel the notifications belong to.
	ChannelID int64
	// PhoneNumberID is the channel's business number; notifications for
	// other numbers of the app are answered 200 and ignored. Empty
	// accepts every number.
	PhoneNumberID string
	// AppSecret checks signatures; when empty every POST is refused.
	AppSecret string
	// VerifyToken answers verification; when empty every GET is refused.
	VerifyToken string
	// Sink takes messages (Ingest) and statuses (Update).
	Sink Sink
	// Media downloads attachments; nil keeps only their names and types.
	Media Downloader
	// Log receives the failures answered with a 5xx; nil discards them.
	Log *slog.Logger
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the webhook handler of channel channelID for the
// business number phoneNumberID, which checks requests with sec's app
// secret and verify token, hands notifications to sink and downloads
// media with media.
func NewWebhook(channelID int64, phoneNumberID string, sec Secrets, sink Sink, media Downloader) *Webhook {
	return &Webhook{ChannelID: channelID, PhoneNumberID: phoneNumberID, AppSecret: sec.AppSecret,
		VerifyToken: sec.VerifyToken, Sink: sink, Media: media}
}

// ServeHTTP handles one verification request or notification.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		h.verify(w, r)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		channels.WebhookError(w, http.StatusMethodNotAllowed, "use GET or POST")
		return
	}
	body, ok := channels.ReadWebhookBody(w, r, MaxWebhookBody)
	if !ok {
		return
	}
	if !ValidSignature(h.AppSecret, body, r.Header.Get(SignatureHeader)) {
		channels.WebhookError(w, http.StatusUnauthorized, "missing or wrong "+SignatureHeader)
		return
	}
	evs, err := Parse(h.ChannelID, h.PhoneNumberID, body)
	if err != nil {
		channels.WebhookError(w, http.StatusBadRequest, err.Error())
		return
	}
	var ins []channels.Inbound
	var ups []channels.Update
	for _, ev := range evs {
		if err := fetch(r.Context(), ev, h.Media); err != nil {
			h.logError("whatsapp: webhook: download failed", ev.Inbound.ExternalID, err)
			channels.WebhookError(w, http.StatusServiceUnavailable, "could not download the media; try again")
			return
		}
		switch {
		case ev.Inbound != nil:
			ins = append(ins, *ev.Inbound)
		case ev.Update != nil:
			ups = append(ups, *ev.Update)
		}
	}
	if len(ins) > 0 {
		if err := h.Sink.Ingest(r.Context(), ins); err != nil {
			h.logError("whatsapp: webhook: storing failed", ins[0].ExternalID, err)
			channels.WebhookError(w, http.StatusInternalServerError, "could not store the messages; try again")
			return
		}
	}
	if len(ups) > 0 {
		if _, err := h.Sink.Update(r.Context(), ups); err != nil {
			h.logError("whatsapp: webhook: status update failed", ups[0].ExternalID, err)
			channels.WebhookError(w, http.StatusInternalServerError, "could not store the statuses; try again")
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// verify answers Meta's subscription check.
func (h *Webhook) verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	if h.VerifyToken == "" || q.Get("hub.mode") != "subscribe" ||
		subtle.ConstantTimeCompare([]byte(token), []byte(h.VerifyToken)) != 1 {
		channels.WebhookError(w, http.StatusForbidden, "wrong hub.mode or hub.verify_token")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
}

// ValidSignature reports whether header is Meta's X-Hub-Signature-256 of
// body with appSecret: "sha256=" and the hex HMAC-SHA256, compared in
// constant time. An empty appSecret validates nothing.
func ValidSignature(appSecret string, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if appSecret == "" || !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	return hmac.Equal(got, sign(appSecret, body))
}

// Signature returns the X-Hub-Signature-256 value of body signed with
// appSecret, as Meta sends it.
func Signature(appSecret string, body []byte) string {
	return "sha256=" + hex.EncodeToString(sign(appSecret, body))
}

func sign(secret string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}

func (h *Webhook) logError(msg, externalID string, err error) {
	if h.Log != nil {
		h.Log.Error(msg, "channel_id", h.ChannelID, "external_id", externalID, "err", err)
	}
}
