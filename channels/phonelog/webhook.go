package phonelog

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"mime"
	"net/http"

	"github.com/peykhq/peyk/channels"
)

// maxBody is the largest webhook request body read.
const maxBody = 1 << 20

// webhook receives call events for one channel.
type webhook struct {
	set    *setup
	err    error // a Config that does not compile
	sink   channels.Sink
	secret [sha256.Size]byte
	hasKey bool
	token  string
	public string
}

// NewWebhook returns the call-event webhook of the channel channelID. It
// takes POSTed JSON call events from a PBX and form-encoded Twilio call
// status callbacks (told apart by Content-Type) and stores each finished
// call through sink, answering 200 only after the commit.
//
// A request must carry secret in the X-Peyk-Secret header or the secret
// query parameter; a Twilio request may instead carry a valid
// X-Twilio-Signature when cfg.TwilioAuthToken is set. With neither secret
// nor token, every request is refused. Refused requests get 401, malformed
// ones 400 with the reason, both as {"error": "…"}, and store nothing.
// A Config that does not validate makes every request fail with 500; check
// it with Config.Validate first.
func NewWebhook(channelID int64, cfg Config, sink channels.Sink, secret string) http.Handler {
	set, err := cfg.compile(channelID)
	return &webhook{set: set, err: err, sink: sink, secret: sha256.Sum256([]byte(secret)),
		hasKey: secret != "", token: cfg.TwilioAuthToken, public: cfg.PublicURL}
}

// ServeHTTP handles one call event.
func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		reply(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	if h.err != nil {
		reply(w, http.StatusInternalServerError, h.err.Error())
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var calls []channels.Inbound
	var ignored string
	var err error
	switch media {
	case "application/json":
		if !h.secretOK(r) {
			reply(w, http.StatusUnauthorized, "missing or wrong secret")
			return
		}
		calls, ignored, err = h.set.parseEvents(r.Body)
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
		if !h.secretOK(r) && (err != nil || !h.twilioOK(r)) {
			reply(w, http.StatusUnauthorized, "missing or wrong secret or X-Twilio-Signature")
			return
		}
		if err == nil {
			calls, ignored, err = h.set.parseTwilio(r.PostForm)
		}
	default:
		if !h.secretOK(r) {
			reply(w, http.StatusUnauthorized, "missing or wrong secret")
			return
		}
		reply(w, http.StatusUnsupportedMediaType, "send application/json or application/x-www-form-urlencoded")
		return
	}
	if err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status = http.StatusRequestEntityTooLarge
		}
		reply(w, status, err.Error())
		return
	}
	if len(calls) > 0 {
		if err := h.sink.Ingest(r.Context(), calls); err != nil {
			status := http.StatusInternalServerError
			if errors.Is(err, channels.ErrInvalid) {
				status = http.StatusBadRequest
			}
			reply(w, status, "storing the call: "+err.Error())
			return
		}
	}
	body := map[string]any{"stored": len(calls)}
	if ignored != "" {
		body["ignored"] = ignored
	}
	writeJSON(w, http.StatusOK, body)
}

// secretOK reports whether r carries the shared secret, comparing in
// constant time.
func (h *webhook) secretOK(r *http.Request) bool {
	got := r.Header.Get("X-Peyk-Secret")
	if got == "" {
		got = r.URL.Query().Get("secret")
	}
	sum := sha256.Sum256([]byte(got))
	return h.hasKey && got != "" && subtle.ConstantTimeCompare(sum[:], h.secret[:]) == 1
}

func reply(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
