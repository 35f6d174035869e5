package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/peykhq/peyk/inbox"
)

// inboxFilter is the inbox page's filter form, as the URL query carries it.
type inboxFilter struct {
	Status, Assignee, Tag, Q, Cursor string
	Channel                          int64
}

// inboxView is what inbox.html renders.
type inboxView struct {
	Filter                       inboxFilter
	Statuses                     []string
	Channels                     []inbox.Channel
	Agents                       []inbox.Agent
	Rows                         []inbox.ConversationItem
	Query, NextQuery, FirstQuery string
	Paged                        bool
}

// readInboxFilter reads the filter from the query string.
func readInboxFilter(q url.Values) inboxFilter {
	ch, _ := strconv.ParseInt(q.Get("channel"), 10, 64)
	return inboxFilter{Status: q.Get("status"), Assignee: q.Get("assignee"), Tag: q.Get("tag"),
		Q: q.Get("q"), Cursor: q.Get("cursor"), Channel: ch}
}

// values writes the filter back as a query, without the cursor.
func (f inboxFilter) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"status": f.Status, "assignee": f.Assignee, "tag": f.Tag, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Channel != 0 {
		v.Set("channel", strconv.FormatInt(f.Channel, 10))
	}
	return v
}

// list runs the filter for the caller (assignee "me" is them, "none"
// unassigned).
func (f inboxFilter) list(r *http.Request, ib inbox.Scoped) ([]inbox.ConversationItem, string, error) {
	cf := inbox.ConversationFilter{Status: f.Status, ChannelID: f.Channel, Tag: f.Tag, Query: f.Q, Cursor: f.Cursor}
	switch f.Assignee {
	case "", "any":
	case "me":
		cf.AssigneeID = userOf(r).ID
	case "none":
		cf.Unassigned = true
	default:
		cf.AssigneeID, _ = strconv.ParseInt(f.Assignee, 10, 64)
	}
	return ib.ListConversations(r.Context(), cf)
}

// inboxRows loads the rows of the filtered inbox and the queries of its
// pages.
func (u *ui) inboxRows(r *http.Request) (inboxView, error) {
	f := readInboxFilter(r.URL.Query())
	rows, next, err := f.list(r, u.scoped(r))
	if err != nil {
		return inboxView{}, err
	}
	v := inboxView{Filter: f, Rows: rows, Paged: f.Cursor != ""}
	q := f.values()
	v.FirstQuery = q.Encode()
	if f.Cursor != "" {
		q.Set("cursor", f.Cursor)
	}
	v.Query = q.Encode()
	if next != "" {
		nq := f.values()
		nq.Set("cursor", next)
		v.NextQuery = nq.Encode()
	}
	return v, nil
}

// inbox is GET /: the conversation list with its filters.
func (u *ui) inbox(w http.ResponseWriter, r *http.Request) {
	v, err := u.inboxRows(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Statuses = []string{inbox.StatusOpen, inbox.StatusPending, inbox.StatusSnoozed, inbox.StatusResolved, inbox.StatusAll}
	if v.Channels, err = u.Inbox.Channels(r.Context()); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Agents, err = u.Inbox.Agents(r.Context()); err != nil {
		u.fail(w, r, err)
		return
	}
	d := u.pageData(r, "inbox", "inbox", "inbox.title", v)
	d.Search = v.Filter.Q
	u.show(w, http.StatusOK, d)
}

// inboxList is GET /inbox/list: the rows alone, for live updates.
func (u *ui) inboxList(w http.ResponseWriter, r *http.Request) {
	v, err := u.inboxRows(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.fragment(w, r, "inbox", "rows", v)
}
