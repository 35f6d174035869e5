package whatsapp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/peykhq/peyk/channels"
)

// Event is what one message or status of a webhook notification means for
// the inbox: a new message (Inbound, with the Media to download into its
// attachments), a delivery report (Update), or nothing (Ignored says why).
type Event struct {
	Inbound *channels.Inbound
	// Media is the file the message carries, not yet downloaded; the
	// Inbound already lists it as an attachment without content.
	Media  *Media
	Update *channels.Update
	// Ignored is why the item carries nothing for the inbox; empty when
	// Inbound or Update is set.
	Ignored string
}

// Media is a media file a message refers to by its Cloud API media id.
type Media struct {
	ID       string
	MimeType string
	// SHA256 is the hash WhatsApp reports, as it reports it.
	SHA256 string
}

// Parse reads a webhook notification received by channel channelID for
// the business number phoneNumberID (empty accepts every number) and
// returns one Event per message and per status it holds. A message
// becomes an Inbound whose ExternalID is its wamid, from the WhatsApp user
// (Identity, their wa_id and profile name) who is also the phone number
// "+"+wa_id; a reply names the message it answers in Thread.InReplyTo. A
// status becomes an Update of the message whose ExternalID is the status's
// wamid. Changes for another number or of another field are ignored.
//
// A body that is not a JSON notification gives an error wrapping
// channels.ErrInvalid.
func Parse(channelID int64, phoneNumberID string, body []byte) ([]Event, error) {
	var n notification
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("whatsapp: not a webhook notification: %v: %w", err, channels.ErrInvalid)
	}
	if n.Object != "whatsapp_business_account" {
		return nil, fmt.Errorf("whatsapp: notification object %q is not whatsapp_business_account: %w",
			n.Object, channels.ErrInvalid)
	}
	var evs []Event
	for _, e := range n.Entry {
		for _, c := range e.Changes {
			v := c.Value
			switch {
			case c.Field != "messages":
				evs = append(evs, Event{Ignored: "field " + c.Field})
				continue
			case phoneNumberID != "" && v.Metadata.PhoneNumberID != phoneNumberID:
				evs = append(evs, Event{Ignored: "another phone number id: " + v.Metadata.PhoneNumberID})
				continue
			}
			for _, m := range v.Messages {
				evs = append(evs, messageEvent(channelID, m, v.Contacts))
			}
			for _, s := range v.Statuses {
				evs = append(evs, statusEvent(channelID, s))
			}
		}
	}
	return evs, nil
}

// messageEvent converts one inbound message.
func messageEvent(channelID int64, m message, contacts []contact) Event {
	from := waID(m.From)
	if from == "" || strings.TrimSpace(m.ID) == "" {
		return Event{Ignored: "message without a sender or an id"}
	}
	name := ""
	for _, c := range contacts {
		if waID(c.WaID) == from || name == "" && len(contacts) == 1 {
			name = strings.TrimSpace(c.Profile.Name)
		}
	}
	in := &channels.Inbound{
		ChannelID:  channelID,
		ExternalID: strings.TrimSpace(m.ID),
		Direction:  channels.In,
		Kind:       channels.KindText,
		From:       channels.Identity{Kind: Identity, Value: from, Name: name},
		Also:       []channels.Identity{{Kind: channels.IdentityPhone, Value: "+" + from, Name: name}},
		SentAt:     m.Timestamp.time(),
	}
	if m.Context != nil && m.Context.ID != "" {
		in.Thread.InReplyTo = m.Context.ID
	}
	c := content(m)
	in.Text = c.text
	if len(c.headers) > 0 {
		in.Headers = c.headers
	}
	if n := waID(c.newNumber); n != "" && n != from {
		in.Also = append(in.Also, channels.Identity{Kind: Identity, Value: n, Name: name},
			channels.Identity{Kind: channels.IdentityPhone, Value: "+" + n, Name: name})
	}
	ev := Event{Inbound: in}
	if c.media != nil {
		in.Attachments = []channels.Attachment{{Name: c.fileName, ContentType: c.media.MimeType}}
		ev.Media = &Media{ID: c.media.ID, MimeType: c.media.MimeType, SHA256: c.media.SHA256}
	}
	return ev
}

// statusEvent converts one delivery status. WhatsApp's "read" becomes
// StatusDelivered, the furthest status the inbox keeps.
func statusEvent(channelID int64, s status) Event {
	if strings.TrimSpace(s.ID) == "" {
		return Event{Ignored: "status without a message id"}
	}
	u := &channels.Update{ChannelID: channelID, ExternalID: strings.TrimSpace(s.ID), At: s.Timestamp.time()}
	switch s.Status {
	case "sent":
		u.Status = channels.StatusSent
	case "delivered", "read":
		u.Status = channels.StatusDelivered
	case "failed":
		u.Status = channels.StatusFailed
		var why []string
		for _, e := range s.Errors {
			why = append(why, e.String())
		}
		u.Error = strings.Join(why, "; ")
		if u.Error == "" {
			u.Error = "WhatsApp reported the message as failed"
		}
	default:
		return Event{Ignored: "status " + strconv.Quote(s.Status)}
	}
	return Event{Update: u}
}

// waID returns s as a wa_id (digits only), or "" when it is not one.
func waID(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	if len(s) < 5 || len(s) > 20 || strings.Trim(s, "0123456789") != "" {
		return ""
	}
	return s
}
