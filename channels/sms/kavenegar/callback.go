package kavenegar

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/internal/hook"
)

// inboundPrefix starts the ExternalID of a received message, keeping
// Kavenegar's inbox ids apart from the ids of messages we sent on the same
// channel.
const inboundPrefix = "in-"

// InboundHandler serves the callback URL set for the line in Kavenegar's
// panel, which Kavenegar calls (GET or form POST) with from, to, message
// and messageid for each incoming SMS. Kavenegar signs nothing, so the URL
// must carry CallbackSecret (see Config); without it the request gets 403.
// The message goes to sink and Kavenegar gets 200 once it is committed.
func (g *Gateway) InboundHandler(sink channels.Sink) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.callbackForm(w, r) {
			return
		}
		in, err := g.inbound(r.Form.Get("messageid"), r.Form.Get("from"), r.Form.Get("to"), r.Form.Get("message"))
		if err != nil {
			hook.Error(w, http.StatusBadRequest, err.Error())
			return
		}
		if d := r.Form.Get("date"); d != "" {
			if unix, err := strconv.ParseInt(d, 10, 64); err == nil && unix > 0 {
				in.SentAt = time.Unix(unix, 0).UTC()
			}
		}
		if !hook.Ingest(w, r, g.log, sink, []channels.Inbound{in}) {
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// callbackForm checks a callback's method and secret and parses its
// fields into r.Form (query and form body). It replies and returns false
// when any of that fails.
func (g *Gateway) callbackForm(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		hook.Error(w, http.StatusMethodNotAllowed, "Kavenegar callbacks are GET or POST requests")
		return false
	}
	if g.cfg.CallbackSecret == "" {
		hook.Error(w, http.StatusForbidden, "callbacks are refused until the channel has a callback secret")
		return false
	}
	if !hook.Secret(r, g.cfg.CallbackSecret) {
		hook.Error(w, http.StatusForbidden, "the callback URL does not carry this channel's secret")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, hook.MaxBody)
	if err := r.ParseForm(); err != nil {
		hook.Error(w, http.StatusBadRequest, "malformed form: "+err.Error())
		return false
	}
	return true
}

// inbound builds the Inbound of a received SMS, checking what the inbox
// needs.
func (g *Gateway) inbound(id, from, to, text string) (channels.Inbound, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return channels.Inbound{}, errors.New("missing messageid")
	}
	if !hook.Phone(from) {
		return channels.Inbound{}, fmt.Errorf("from %q is not a phone number", from)
	}
	in := channels.Inbound{
		ChannelID:  g.cfg.ChannelID,
		ExternalID: inboundPrefix + id,
		Kind:       channels.KindText,
		From:       channels.Identity{Kind: channels.IdentityPhone, Value: from},
		Text:       text,
	}
	if to != "" {
		in.Headers = map[string]string{"To": to}
	}
	return in, nil
}
