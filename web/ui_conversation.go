package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/templates/canned"
)

// conversationView is what conversation.html renders.
type conversationView struct {
	Conv          inbox.ConversationItem
	ChannelKind   string
	Entries       []timelineEntry
	Contact       crm.Contact
	Others        []inbox.ConversationItem
	Agents        []inbox.Agent
	ReplyChannels []replyChannel
	// Window is the reply window of the conversation's channel, when its
	// kind declares one (WhatsApp's 24 hours); nil otherwise.
	Window *replyWindow
	Canned []canned.Offer
	// Prefill is the reply box's text: the canned response ?canned= asked
	// for (the insert button without script).
	Prefill              string
	Reminders            []schedule.Schedule
	Statuses, Priorities []string
	// Older is the cursor of the page of older entries; Paged reports
	// whether this is such a page (not the newest, so not live).
	Older string
	Paged bool
}

// timelineEntry is a timeline entry with what the page adds: the
// contact's name for incoming messages, links to attachments and, on a
// contact's timeline, to the entry's conversation.
type timelineEntry struct {
	inbox.TimelineEntry
	ContactName      string
	ConversationLink bool
	Files            []fileLink
}

// fileLink is an attachment as a download link.
type fileLink struct {
	Href, Name, ContentType string
	Size                    int64
}

// replyChannel is a channel the reply box may send on.
type replyChannel struct {
	ID       int64
	Kind     string
	Name     string
	Selected bool
}

// replyWindow is where a conversation stands in its channel's reply
// window: whether free text may go, until when, and whether the kind
// sends approved templates (the only thing allowed once it closed).
type replyWindow struct {
	Open      bool
	ClosesAt  time.Time
	ChannelID int64
	Templates bool
}

// entries turns timeline entries into the page's, contactName naming the
// customer's messages.
func entries(es []inbox.TimelineEntry, contactName string, link bool) []timelineEntry {
	out := make([]timelineEntry, len(es))
	for i, e := range es {
		te := timelineEntry{TimelineEntry: e, ContactName: contactName, ConversationLink: link}
		for _, a := range e.Attachments {
			if a.SHA256 == "" {
				continue // kept by the provider: nothing stored to serve
			}
			te.Files = append(te.Files, fileLink{Href: fmt.Sprintf("/attachments/%d/%d", e.ID, a.Position),
				Name: a.Name, ContentType: a.ContentType, Size: a.Size})
		}
		out[i] = te
	}
	return out
}

// conversation is GET /conversations/{id}: the timeline, the reply box,
// the actions and the contact panel. Opening it marks it read.
func (u *ui) conversation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	before := r.URL.Query().Get("before")
	sc := u.scoped(r)
	cv, err := sc.ConversationView(ctx, id, before, 0)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	c := cv.Conversation
	detail, err := sc.ContactDetail(ctx, c.ContactID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := conversationView{Conv: c, ChannelKind: c.ChannelKind, Contact: detail.Contact, Older: cv.Older, Paged: before != "",
		Entries:    entries(cv.Messages, detail.Name, false),
		Statuses:   []string{inbox.StatusOpen, inbox.StatusPending, inbox.StatusResolved},
		Priorities: []string{"none", "low", "medium", "high", "urgent"}}
	for _, o := range detail.Conversations {
		if o.ID != c.ID {
			v.Others = append(v.Others, o)
		}
	}
	if v.Agents, err = u.Inbox.Agents(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.ReplyChannels, err = u.replyChannels(r, c, detail.Identities); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Window, err = u.replyWindow(r, c); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Reminders, err = u.Inbox.Schedules(ctx, c.ID, userOf(r).ID); err != nil {
		u.fail(w, r, err)
		return
	}
	v.Canned = u.cannedFor(r, detail.Contact)
	for _, o := range v.Canned {
		if strconv.FormatInt(o.ID, 10) == r.URL.Query().Get("canned") {
			v.Prefill = o.Text
		}
	}
	if c.Unread > 0 {
		if err := sc.MarkRead(ctx, c.ID); err != nil {
			u.log.Warn("mark read", "conversation_id", c.ID, "err", err)
		}
	}
	d := u.pageData(r, "conversation", "inbox", "conv.title", v)
	d.ConversationID = c.ID
	u.show(w, http.StatusOK, d)
}

// timeline is GET /conversations/{id}/timeline: the timeline alone, for
// live updates.
func (u *ui) timeline(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	cv, err := u.scoped(r).ConversationView(r.Context(), id, "", 0)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.fragment(w, r, "conversation", "timeline", entries(cv.Messages, cv.Conversation.ContactName, false))
}

// replyChannels lists the enabled channels that reach one of the
// contact's identities, the conversation's own selected.
func (u *ui) replyChannels(r *http.Request, c inbox.ConversationItem, ids []crm.Identity) ([]replyChannel, error) {
	chs, err := u.Inbox.Channels(r.Context())
	if err != nil {
		return nil, err
	}
	var out []replyChannel
	for _, ch := range chs {
		to, ok := u.Kinds.Reaches(ch.Kind)
		reaches := ok && slices.ContainsFunc(ids, func(id crm.Identity) bool { return string(to) == id.Kind })
		if !ch.Enabled || !reaches {
			continue
		}
		selected := c.ChannelID != nil && *c.ChannelID == ch.ID
		out = append(out, replyChannel{ID: ch.ID, Kind: string(ch.Kind), Name: ch.Name, Selected: selected})
	}
	return out, nil
}

// replyWindow asks the driver of the conversation's channel about its
// reply window (a declared capability, channels.Driver.Window); nil when
// the kind has none.
func (u *ui) replyWindow(r *http.Request, c inbox.ConversationItem) (*replyWindow, error) {
	d, ok := u.Kinds.Driver(channels.Kind(c.ChannelKind))
	if !ok || d.Window == nil || c.ChannelID == nil {
		return nil, nil
	}
	last, err := u.Inbox.LastInbound(r.Context(), c.ID, *c.ChannelID)
	if err != nil {
		return nil, err
	}
	open, closes := d.Window(last, time.Now())
	return &replyWindow{Open: open, ClosesAt: closes, ChannelID: *c.ChannelID, Templates: d.Templates}, nil
}

// cannedFor returns the canned responses for the reply box, each in the
// contact's language, else the agent's. A failure leaves them out (and
// is logged): the reply box works without them.
func (u *ui) cannedFor(r *http.Request, k crm.Contact) []canned.Offer {
	if u.Canned == nil {
		return nil
	}
	offers, err := u.Canned.For(r.Context(), k.Locale, locale(r))
	if err != nil {
		u.log.Warn("canned responses", "err", err)
		return nil
	}
	return offers
}
