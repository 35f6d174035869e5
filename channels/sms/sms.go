// Package sms is Peyk's SMS channel: the Gateway that every SMS provider
// driver implements (twilio, kavenegar and the generic HTTP driver live in
// subpackages) and the segment arithmetic agents see before they send.
//
// A driver turns the provider's webhook into channels.Inbound values with
// the sender's number as the provider wrote it; the inbox normalizes the
// number, so an SMS from 0912… and one from +98912… reach one contact.
package sms

import (
	"net/http"

	"github.com/peykhq/peyk/channels"
)

// Gateway is one SMS provider account: it sends messages and serves the
// provider's webhooks. The handlers acknowledge a webhook only after the
// sink or updater has committed what it carried; a request that fails its
// signature or secret check gets 403 with a JSON {"error": reason} and
// nothing is stored; a malformed one gets 400.
type Gateway interface {
	channels.Sender
	// InboundHandler serves the provider's incoming-message webhook and
	// hands each accepted message to sink.
	InboundHandler(sink channels.Sink) http.Handler
	// StatusHandler serves the provider's delivery reports and applies
	// them through up.
	StatusHandler(up channels.Updater) http.Handler
}
