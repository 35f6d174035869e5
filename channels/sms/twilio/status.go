package twilio

import (
	"net/http"
	"net/url"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/internal/hook"
)

// StatusHandler serves Twilio's status callbacks (the StatusCallback URL
// each send passes): a signed form POST with MessageSid, MessageStatus and,
// for failures, ErrorCode. Sent, delivered, undelivered and failed become
// Updates by ExternalID = MessageSid (undelivered counts as failed); the
// interim queued, accepted, scheduled and sending change nothing. Twilio
// gets 200 once the update is applied.
func (g *Gateway) StatusHandler(up channels.Updater) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := g.verify(w, r)
		if !ok {
			return
		}
		u, ok, reason := g.update(form)
		if reason != "" {
			hook.Error(w, http.StatusBadRequest, reason)
			return
		}
		if ok && !hook.Update(w, r, g.log, up, []channels.Update{u}) {
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// update turns a status callback into an Update. ok is false for statuses
// that change nothing; reason is set when the callback is malformed.
func (g *Gateway) update(form url.Values) (u channels.Update, ok bool, reason string) {
	sid := form.Get("MessageSid")
	if sid == "" {
		sid = form.Get("SmsSid")
	}
	status := form.Get("MessageStatus")
	if status == "" {
		status = form.Get("SmsStatus")
	}
	if sid == "" || status == "" {
		return u, false, "missing MessageSid or MessageStatus"
	}
	u = channels.Update{ChannelID: g.cfg.ChannelID, ExternalID: sid, At: time.Now().UTC()}
	switch status {
	case "sent":
		u.Status = channels.StatusSent
	case "delivered", "read":
		u.Status = channels.StatusDelivered
	case "undelivered", "failed", "canceled":
		u.Status = channels.StatusFailed
		u.Error = "Twilio: " + status
		if code := form.Get("ErrorCode"); code != "" {
			u.Error += " (error " + code + ", https://www.twilio.com/docs/api/errors/" + url.PathEscape(code) + ")"
		}
	case "queued", "accepted", "scheduled", "sending", "receiving", "received", "partially_delivered":
		return u, false, ""
	default:
		g.log.Warn("twilio: status callback with an unknown MessageStatus ignored", "message_sid", sid, "status", status)
		return u, false, ""
	}
	return u, true, ""
}
