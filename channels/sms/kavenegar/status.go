package kavenegar

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/internal/hook"
)

// Kavenegar's delivery statuses (sms/status.json and the delivery
// callback).
const (
	statusQueued        = 1
	statusScheduled     = 2
	statusSentToCenter  = 4
	statusSentToCarrier = 5
	statusFailed        = 6
	statusDelivered     = 10
	statusUndelivered   = 11
	statusCancelled     = 13
	statusBlocked       = 14
	statusInvalidID     = 100
)

// update maps a Kavenegar status of message id to an Update; ok is false
// for statuses that change nothing (queued, scheduled, an unknown id).
func (g *Gateway) update(id string, status int) (u channels.Update, ok bool) {
	u = channels.Update{ChannelID: g.cfg.ChannelID, ExternalID: id, At: time.Now().UTC()}
	switch status {
	case statusSentToCenter, statusSentToCarrier:
		u.Status = channels.StatusSent
	case statusDelivered:
		u.Status = channels.StatusDelivered
	case statusFailed:
		u.Status, u.Error = channels.StatusFailed, "Kavenegar: sending failed (status 6)"
	case statusUndelivered:
		u.Status, u.Error = channels.StatusFailed, "Kavenegar: not delivered to the recipient (status 11)"
	case statusCancelled:
		u.Status, u.Error = channels.StatusFailed, "Kavenegar: cancelled (status 13)"
	case statusBlocked:
		u.Status, u.Error = channels.StatusFailed, "Kavenegar: blocked; the recipient refuses messages from this line (status 14)"
	case statusQueued, statusScheduled, statusInvalidID:
		return u, false
	default:
		g.log.Warn("kavenegar: unknown delivery status ignored", "messageid", id, "status", status)
		return u, false
	}
	return u, true
}

// Statuses asks sms/status.json for the delivery status of messages we
// sent (their Kavenegar ids, up to 500 a call) and returns the updates
// that change something. Poll it for messages still "sent" when no
// delivery callback is set.
func (g *Gateway) Statuses(ctx context.Context, ids []string) ([]channels.Update, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var entries []entry
	if err := g.call(ctx, "sms/status", url.Values{"messageid": {strings.Join(ids, ",")}}, &entries); err != nil {
		return nil, fmt.Errorf("kavenegar: status: %w", err)
	}
	var out []channels.Update
	for _, e := range entries {
		if u, ok := g.update(strconv.FormatInt(e.MessageID, 10), e.Status); ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// StatusHandler serves the delivery-report URL set in Kavenegar's panel,
// called with messageid and status (GET or form POST). Like
// InboundHandler it needs CallbackSecret in the URL. Kavenegar gets 200
// once the update is applied.
func (g *Gateway) StatusHandler(up channels.Updater) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.callbackForm(w, r) {
			return
		}
		id := strings.TrimSpace(r.Form.Get("messageid"))
		status, err := strconv.Atoi(strings.TrimSpace(r.Form.Get("status")))
		if id == "" || err != nil {
			hook.Error(w, http.StatusBadRequest, "want messageid and a numeric status")
			return
		}
		if u, ok := g.update(id, status); ok && !hook.Update(w, r, g.log, up, []channels.Update{u}) {
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
