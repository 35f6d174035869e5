package whatsapp

import "time"

// WindowLength is WhatsApp's customer-service window: free-form messages
// may be sent until this long after the customer's last message.
const WindowLength = 24 * time.Hour

// Window reports whether the customer-service window of a customer who
// last wrote at lastInbound is open at now, and when it closes (or
// closed). A customer who never wrote (zero lastInbound) has no window:
// only a template may start the conversation.
func Window(lastInbound, now time.Time) (open bool, closesAt time.Time) {
	if lastInbound.IsZero() {
		return false, time.Time{}
	}
	closesAt = lastInbound.Add(WindowLength)
	return now.Before(closesAt), closesAt
}
