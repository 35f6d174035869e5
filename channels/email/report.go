package email

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message/textproto"

	"github.com/peykhq/peyk/channels"
)

// report is what a multipart/report says: for a delivery-status report
// (RFC 3464) the fate of each recipient and the Message-ID of the mail it
// is about.
type report struct {
	kind       string // the report-type parameter: delivery-status, disposition-notification
	recipients []recipientStatus
	originalID string
}

type recipientStatus struct {
	recipient, action, status, diagnostic string
}

// readStatus reads a message/delivery-status body: a per-message block of
// fields, then one block per recipient.
func (r *report) readStatus(data []byte) {
	br := bufio.NewReader(bytes.NewReader(data))
	for first := true; ; first = false {
		h, err := textproto.ReadHeader(br)
		if h.Len() > 0 && !first || h.Has("Action") {
			r.recipients = append(r.recipients, recipientStatus{
				recipient:  addrField(h.Get("Final-Recipient"), h.Get("Original-Recipient")),
				action:     strings.ToLower(strings.TrimSpace(h.Get("Action"))),
				status:     strings.TrimSpace(h.Get("Status")),
				diagnostic: typedField(h.Get("Diagnostic-Code")),
			})
		}
		if err != nil || errors.Is(err, io.EOF) {
			return
		}
		if _, err := br.Peek(1); err != nil {
			return
		}
	}
}

// readOriginal takes the Message-ID of the mail a report is about from its
// returned copy (message/rfc822) or headers (text/rfc822-headers).
func (r *report) readOriginal(data []byte) {
	head, _ := splitHeader(data)
	h, _ := readHeader(head)
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 && r.originalID == "" {
		r.originalID = ids[0]
	}
}

// typedField drops the type of a DSN field ("rfc822; a@b", "smtp; 550 …")
// and folds it onto one line.
func typedField(v string) string {
	if t, rest, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(t, " \t") {
		v = rest
	}
	return strings.Join(strings.Fields(v), " ")
}

func addrField(final, original string) string {
	if v := typedField(final); v != "" {
		return strings.Trim(v, "<>")
	}
	return strings.Trim(typedField(original), "<>")
}

// update turns a delivery-status report into the update of the message it
// is about: failed when any recipient failed, delivered when every
// recipient's copy was delivered, nothing for delays. fallbackID is the
// report's own In-Reply-To or References, used when the report does not
// carry the original's headers.
func (r *report) update(fallbackID string) (channels.Update, bool) {
	if r == nil || r.kind != "delivery-status" && len(r.recipients) == 0 {
		return channels.Update{}, false
	}
	id := r.originalID
	if id == "" {
		id = fallbackID
	}
	if id == "" {
		return channels.Update{}, false
	}
	var failed []string
	delivered := len(r.recipients) > 0
	for _, rc := range r.recipients {
		switch {
		case rc.action == "failed" || rc.action == "" && strings.HasPrefix(rc.status, "5"):
			failed = append(failed, rc.describe())
		case rc.action != "delivered":
			delivered = false
		}
	}
	switch {
	case len(failed) > 0:
		return channels.Update{MessageID: id, Status: channels.StatusFailed, Error: strings.Join(failed, "; ")}, true
	case delivered:
		return channels.Update{MessageID: id, Status: channels.StatusDelivered}, true
	case len(r.recipients) == 0:
		return channels.Update{MessageID: id, Status: channels.StatusFailed,
			Error: "delivery failed (the report gives no details)"}, true
	}
	return channels.Update{}, false
}

func (rc recipientStatus) describe() string {
	why := rc.diagnostic
	if why == "" && rc.status != "" {
		why = fmt.Sprintf("status %s", rc.status)
	}
	if why == "" {
		why = "delivery failed"
	}
	if rc.recipient != "" {
		return rc.recipient + ": " + why
	}
	return why
}

// summary is a text body for a report that came without a readable one.
func (r *report) summary() string {
	if r == nil || len(r.recipients) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Delivery status report:")
	for _, rc := range r.recipients {
		fmt.Fprintf(&b, "\n%s: %s", rc.action, rc.describe())
	}
	return b.String()
}
