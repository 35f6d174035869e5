package whatsapp

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/peykhq/peyk/channels"
)

// MaxText is the longest text body of one WhatsApp message, in
// characters; Send splits longer text.
const MaxText = 4096

// Template is an approved message template to send, with the values of
// its body's {{1}}, {{2}}… parameters in order: channels.Template, which
// reaches Send as channels.Outbound.Template.
type Template = channels.Template

// Send delivers m to the WhatsApp user m.To names (an Identity wa_id, or
// a phone number in international form).
//
// A template (m.Template) goes as one template message, at any time.
// Free text (m.Text) is refused with an error wrapping ErrWindowClosed
// and channels.ErrPermanent, before anything is sent, when the 24-hour
// window after m.LastInbound is closed (Window; a zero LastInbound means
// the customer never wrote); otherwise it goes as text messages of at
// most MaxText characters, then each attachment as an image, video,
// audio or document message (uploaded first when it has bytes, by link
// when it has only an http URL); a single attachment other than audio
// carries a text of up to MaxCaption characters as its caption. The
// first message answers m.Thread.InReplyTo (a wamid) when set. A
// template carries no attachments.
//
// The result's ExternalID is the wamid of the first message sent, which
// the delivery statuses name. WhatsApp answers 131047 when the window is
// closed after all (same error as above); rate limits give a
// *channels.RetryAfterError; other refusals wrap channels.ErrPermanent.
// The Cloud API has no idempotency key: a send retried after a partial
// failure may repeat the parts that went out.
func (c *Client) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	to, err := recipient(m.To)
	if err != nil {
		return channels.SendResult{}, err
	}
	if m.Template != nil {
		if len(m.Attachments) > 0 {
			return channels.SendResult{}, fmt.Errorf("whatsapp: message %d: a template carries no attachments: %w: %w",
				m.MessageID, channels.ErrInvalid, channels.ErrPermanent)
		}
		id, err := c.post(ctx, m.MessageID, templateBody(to, *m.Template))
		return channels.SendResult{ExternalID: id}, err
	}
	if open, closesAt := Window(m.LastInbound, c.now()); !open {
		when := "never wrote"
		if !closesAt.IsZero() {
			when = "window closed at " + closesAt.UTC().Format(time.RFC3339)
		}
		return channels.SendResult{}, fmt.Errorf("whatsapp: message %d: %s: %w: %w",
			m.MessageID, when, ErrWindowClosed, channels.ErrPermanent)
	}
	text, caption := m.Text, ""
	if len(m.Attachments) == 1 && mediaType(m.Attachments[0].ContentType) != "audio" &&
		utf8.RuneCountInString(text) <= MaxCaption {
		text, caption = "", strings.TrimSpace(m.Text)
	}
	parts := splitText(text, MaxText)
	if len(parts) == 0 && len(m.Attachments) == 0 {
		return channels.SendResult{}, fmt.Errorf("whatsapp: message %d has no text: %w: %w",
			m.MessageID, channels.ErrInvalid, channels.ErrPermanent)
	}
	reply, first := strings.TrimSpace(m.Thread.InReplyTo), ""
	sent := func(id string) {
		reply = ""
		if first == "" {
			first = id
		}
	}
	for _, p := range parts {
		body := map[string]any{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
			"type": "text", "text": map[string]any{"preview_url": false, "body": p},
		}
		if reply != "" {
			body["context"] = map[string]string{"message_id": reply}
		}
		id, err := c.post(ctx, m.MessageID, body)
		if err != nil {
			return channels.SendResult{ExternalID: first}, err
		}
		sent(id)
	}
	for _, a := range m.Attachments {
		id, err := c.sendFile(ctx, m, to, a, caption, reply)
		if err != nil {
			return channels.SendResult{ExternalID: first}, err
		}
		sent(id)
	}
	return channels.SendResult{ExternalID: first}, nil
}

// templateBody is the request that sends t to to.
func templateBody(to string, t Template) map[string]any {
	tpl := map[string]any{"name": t.Name, "language": map[string]string{"code": t.Language}}
	if len(t.Params) > 0 {
		params := make([]map[string]string, len(t.Params))
		for i, p := range t.Params {
			params[i] = map[string]string{"type": "text", "text": p}
		}
		tpl["components"] = []map[string]any{{"type": "body", "parameters": params}}
	}
	return map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
		"type": "template", "template": tpl}
}

// post sends one message request and returns its wamid.
func (c *Client) post(ctx context.Context, messageID int64, body map[string]any) (string, error) {
	var out struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	what := fmt.Sprintf("send message %d", messageID)
	if err := c.call(ctx, what, http.MethodPost, c.endpoint(c.cfg.PhoneNumberID, "messages"), body, &out); err != nil {
		return "", err
	}
	if len(out.Messages) == 0 || out.Messages[0].ID == "" {
		return "", fmt.Errorf("whatsapp: %s: the answer names no message id", what)
	}
	return out.Messages[0].ID, nil
}

// recipient reads the wa_id of a WhatsApp user out of to: a wa_id, or a
// phone number in international form ("+98 912 123 4567").
func recipient(to channels.Identity) (string, error) {
	v := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(to.Value))
	id := waID(v)
	ok := id != "" && (to.Kind == Identity || to.Kind == "" ||
		to.Kind == channels.IdentityPhone && strings.HasPrefix(v, "+"))
	if !ok {
		return "", fmt.Errorf("whatsapp: recipient %s %q is not a WhatsApp number in international form: %w: %w",
			to.Kind, to.Value, channels.ErrInvalid, channels.ErrPermanent)
	}
	return id, nil
}
