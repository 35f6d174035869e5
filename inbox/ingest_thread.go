package inbox

import (
	"crypto/rand"
	"encoding/base32"
	"strings"

	"github.com/peykhq/peyk/channels"
)

// thread picks the conversation of every new message, creating
// conversations as needed. Email: the plus-addressed reply token, then
// In-Reply-To and References, then a «[#ref]» in the subject (both only
// within the sender's own conversations), else a new conversation. Other kinds:
// the contact's latest conversation on the channel, unless it was resolved
// longer than ReopenWithin ago. Auto-replies never open a conversation: one
// that threads nowhere is filed in a new, resolved conversation. Nor does
// history (Inbound.History): its new conversation is resolved and marked
// history, outside the SLA clocks and the KPIs.
func (p *plan) thread() {
	p.convOf = make([]int64, len(p.items))
	for i, it := range p.items {
		if p.dup[i] {
			continue
		}
		contact := p.res.Contact(i)
		var id int64
		if it.in.Kind == channels.KindEmail {
			id = p.emailThread(it, contact)
		} else {
			id = p.chatThread(it, contact)
		}
		if id == 0 {
			id = p.create(it, contact)
		}
		p.convOf[i] = id
		if it.in.Kind == channels.KindEmail && it.in.Thread.MessageID != "" {
			p.byMsgID[it.in.Thread.MessageID] = conv{id: id, contact: contact}
		}
	}
}

func (p *plan) emailThread(it *item, contact int64) int64 {
	th := it.in.Thread
	if c, ok := p.byToken[th.ReplyToken]; ok && th.ReplyToken != "" {
		return c.id
	}
	// Message-IDs are not secret: they thread only within the sender's own
	// conversations (the reply token above is what crosses contacts), but
	// for auto-replies and bounces, which are about our mail and never
	// reopen anything.
	own := func(c conv) bool { return c.contact == contact || it.in.AutoReply }
	if c, ok := p.byMsgID[th.InReplyTo]; ok && th.InReplyTo != "" && own(c) {
		return c.id
	}
	for j := len(th.References) - 1; j >= 0; j-- {
		if c, ok := p.byMsgID[th.References[j]]; ok && own(c) {
			return c.id
		}
	}
	if c, ok := p.byRef[it.ref]; ok && c.contact == contact {
		return c.id
	}
	return 0
}

func (p *plan) chatThread(it *item, contact int64) int64 {
	c, ok := p.latest[chatKey{contact, it.in.ChannelID}]
	if !ok {
		return 0
	}
	if c.status == "resolved" && c.resolvedAt != nil && p.now.Sub(*c.resolvedAt) > p.cfg.ReopenWithin {
		return 0
	}
	return c.id
}

// create adds a new conversation for it and returns its id.
func (p *plan) create(it *item, contact int64) int64 {
	c := newConv{channel: it.in.ChannelID, subject: it.in.Thread.Subject,
		token: newToken(), created: it.in.SentAt}
	c.id = p.convIDs[len(p.created)]
	c.contact = contact
	c.status = "open"
	if it.in.AutoReply || it.in.History {
		c.status = "resolved"
	}
	c.history = it.in.History
	p.created = append(p.created, c)
	p.isNew[c.id] = true
	p.latest[chatKey{contact, it.in.ChannelID}] = c.conv
	return c.id
}

// newToken returns a random reply token: 16 lower-case base32 characters,
// safe in the local part of an e-mail address.
func newToken() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
