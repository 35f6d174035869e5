package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
)

// searchContacts finds contacts by name or identity: GET /api/v1/contacts?q=&limit=.
func (s *Server) searchContacts(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r)
	var cs []crm.Contact
	if err == nil {
		cs, err = s.Contacts.Search(r.Context(), r.URL.Query().Get("q"), min(limit, 100))
	}
	if cs == nil {
		cs = []crm.Contact{}
	}
	s.respond(w, http.StatusOK, map[string]any{"contacts": cs}, err)
}

// apiContact is a contact with the newest page of its timeline across
// every conversation and channel.
type apiContact struct {
	inbox.ContactDetail
	Timeline []inbox.TimelineEntry `json:"timeline"`
	// Older is the cursor of the timeline's older page ("" when none).
	Older string `json:"older"`
}

// getContact returns a contact with identities, tags, attributes, its
// conversations, the merges into it and the newest page of its timeline;
// a merged contact gives the one it was merged into.
func (s *Server) getContact(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var v apiContact
	if err == nil {
		v.ContactDetail, err = s.scoped(r).ContactDetail(r.Context(), id)
	}
	if err == nil {
		v.Timeline, v.Older, err = s.scoped(r).ContactTimeline(r.Context(), v.ID, "", 0)
	}
	s.respond(w, http.StatusOK, v, err)
}

// contactTimeline returns a page of the contact's timeline across all its
// conversations and channels (?before=&limit=).
func (s *Server) contactTimeline(w http.ResponseWriter, r *http.Request) {
	id, before, limit, err := pageArgs(r)
	var entries []inbox.TimelineEntry
	var older string
	if err == nil {
		entries, older, err = s.scoped(r).ContactTimeline(r.Context(), id, before, limit)
	}
	s.respond(w, http.StatusOK, map[string]any{"messages": entries, "older": older}, err)
}

// updateContact renames a contact and patches its attributes (a JSON merge
// patch: null removes a key).
func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, s.scoped(r).ContactDetail, func(id int64, in struct {
		Name       *string        `json:"name"`
		Attributes map[string]any `json:"attributes"`
	}) error {
		if in.Name == nil && in.Attributes == nil {
			return fmt.Errorf("nothing to change: send name or attributes: %w", crm.ErrInvalid)
		}
		if in.Name != nil {
			if err := s.Contacts.SetName(r.Context(), id, *in.Name); err != nil {
				return err
			}
		}
		if in.Attributes != nil {
			return s.Contacts.SetAttributes(r.Context(), id, in.Attributes)
		}
		return nil
	})
}

func (s *Server) tagContact(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, s.scoped(r).ContactDetail, func(id int64, in tagBody) error {
		return s.Contacts.Tag(r.Context(), id, in.Add, in.Remove)
	})
}

// mergeContact folds contact source_id into the contact of the path and
// answers with the merge id (for unmerge) and the merged contact.
func (s *Server) mergeContact(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var in struct {
		SourceID int64 `json:"source_id"`
	}
	if err == nil {
		err = decode(r, &in)
	}
	if err == nil && in.SourceID <= 0 {
		err = fmt.Errorf("source_id: want the id of the contact to merge in: %w", crm.ErrInvalid)
	}
	var merge int64
	if err == nil {
		merge, err = s.Contacts.Merge(r.Context(), id, in.SourceID, userOf(r).ID)
	}
	var d inbox.ContactDetail
	if err == nil {
		d, err = s.scoped(r).ContactDetail(r.Context(), id)
	}
	s.respond(w, http.StatusOK, map[string]any{"merge_id": merge, "contact": d}, err)
}

// unmergeContact undoes merge merge_id into the contact of the path.
func (s *Server) unmergeContact(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, s.scoped(r).ContactDetail, func(id int64, in struct {
		MergeID int64 `json:"merge_id"`
	}) error {
		d, err := s.Inbox.ContactDetail(r.Context(), id)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(d.Merges, func(m inbox.MergeInfo) bool { return m.ID == in.MergeID }) || d.ID != id {
			return fmt.Errorf("contact %d has no merge %d to undo: %w", id, in.MergeID, crm.ErrNotFound)
		}
		return s.Contacts.Unmerge(r.Context(), in.MergeID, userOf(r).ID)
	})
}
