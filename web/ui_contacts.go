package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
)

// contactsView is what contacts.html renders.
type contactsView struct {
	Q        string
	Contacts []crm.Contact
}

// contactView is what contact.html renders; its panel reuses the
// conversation page's (Contact, Others).
type contactView struct {
	Contact    crm.Contact
	Entries    []timelineEntry
	Others     []inbox.ConversationItem
	Merges     []inbox.MergeInfo
	Candidates []crm.Contact
}

// contacts is GET /contacts?q=: the contact search.
func (u *ui) contacts(w http.ResponseWriter, r *http.Request) {
	v := contactsView{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if v.Q != "" {
		var err error
		if v.Contacts, err = u.Contacts.Search(r.Context(), v.Q, 30); err != nil {
			u.fail(w, r, err)
			return
		}
		// The list shows each contact's identities, which search leaves
		// out: a customer without a name is known by them.
		for i, c := range v.Contacts {
			if v.Contacts[i], err = u.Contacts.Get(r.Context(), c.ID); err != nil {
				u.fail(w, r, err)
				return
			}
		}
	}
	u.show(w, http.StatusOK, u.pageData(r, "contacts", "contacts", "contacts.title", v))
}

// contact is GET /contacts/{id}: identities, tags, attributes, the whole
// cross-channel timeline and the merge forms. A merged contact's old id
// redirects to the contact it lives on in.
func (u *ui) contact(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	sc := u.scoped(r)
	d, err := sc.ContactDetail(ctx, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if d.ID != id {
		http.Redirect(w, r, fmt.Sprintf("/contacts/%d", d.ID), http.StatusSeeOther)
		return
	}
	es, _, err := sc.ContactTimeline(ctx, id, "", 0)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := contactView{Contact: d.Contact, Entries: entries(es, d.Name, true), Others: d.Conversations, Merges: d.Merges}
	if q := strings.TrimSpace(d.Name); q != "" {
		// Likely duplicates: others of the same name, to pick for a merge.
		if found, err := u.Contacts.Search(ctx, q, 10); err == nil {
			for _, c := range found {
				if c.ID != d.ID {
					v.Candidates = append(v.Candidates, c)
				}
			}
		}
	}
	u.show(w, http.StatusOK, u.pageData(r, "contact", "contacts", "contact.panel", v))
}

// merge is POST /contacts/{id}/merge: source, the contact to merge into
// this one.
func (u *ui) merge(w http.ResponseWriter, r *http.Request) {
	target, err := pathID(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	source, err := formInt(r, "source")
	if err == nil && source == 0 {
		err = fmt.Errorf("pick the contact to merge: %w", crm.ErrInvalid)
	}
	if err == nil {
		_, err = u.Contacts.Merge(r.Context(), target, source, userOf(r).ID)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, fmt.Sprintf("/contacts/%d", target))
}

// unmerge is POST /contacts/{id}/unmerge: merge, the id of a merge into
// this contact to undo.
func (u *ui) unmerge(w http.ResponseWriter, r *http.Request) {
	target, err := pathID(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	m, err := formInt(r, "merge")
	if err == nil {
		err = u.Contacts.Unmerge(r.Context(), m, userOf(r).ID)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, fmt.Sprintf("/contacts/%d", target))
}
