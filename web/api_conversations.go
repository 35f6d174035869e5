package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
)

// listConversations is the inbox: GET /api/v1/conversations?status=&channel=&assignee=(id|me|none)&team=&tag=&q=&cursor=&limit=.
func (s *Server) listConversations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := inbox.ConversationFilter{Status: q.Get("status"), Tag: q.Get("tag"), Query: q.Get("q"), Cursor: q.Get("cursor")}
	var err error
	switch a := q.Get("assignee"); a {
	case "":
	case "me":
		f.AssigneeID = userOf(r).ID
	case "none":
		f.Unassigned = true
	default:
		f.AssigneeID, err = parseID("assignee", a)
	}
	for _, p := range []struct {
		name string
		into *int64
	}{{"channel", &f.ChannelID}, {"team", &f.TeamID}} {
		if v := q.Get(p.name); v != "" && err == nil {
			*p.into, err = parseID(p.name, v)
		}
	}
	if err == nil {
		f.Limit, err = queryLimit(r)
	}
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	items, next, err := s.scoped(r).ListConversations(r.Context(), f)
	s.respond(w, http.StatusOK, map[string]any{"conversations": items, "next": next}, err)
}

// getConversation returns a conversation with the newest page of its
// timeline (?before=&limit= page back).
func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) {
	id, before, limit, err := pageArgs(r)
	var v inbox.ConversationView
	if err == nil {
		v, err = s.scoped(r).ConversationView(r.Context(), id, before, limit)
	}
	s.respond(w, http.StatusOK, v, err)
}

// act decodes the body into in, runs do on the id of the path and
// answers with what view returns for that id afterwards.
func act[T, V any](s *Server, w http.ResponseWriter, r *http.Request, view func(ctx context.Context, id int64) (V, error),
	do func(id int64, in T) error) {
	id, err := pathID(r)
	var in T
	if err == nil {
		err = decode(r, &in)
	}
	if err == nil {
		err = do(id, in)
	}
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	v, err := view(r.Context(), id)
	s.respond(w, http.StatusOK, v, err)
}

func (s *Server) assignConversation(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, s.scoped(r).Conversation, func(id int64, in struct {
		AssigneeID *int64 `json:"assignee_id"`
	}) error {
		var to int64
		if in.AssigneeID != nil {
			to = *in.AssigneeID
		}
		return s.scoped(r).Assign(r.Context(), id, to)
	})
}

func (s *Server) setConversationStatus(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, s.scoped(r).Conversation, func(id int64, in struct {
		Status       string     `json:"status"`
		SnoozedUntil *time.Time `json:"snoozed_until"`
	}) error {
		var until time.Time
		if in.SnoozedUntil != nil {
			until = *in.SnoozedUntil
		}
		return s.scoped(r).SetStatus(r.Context(), id, in.Status, until)
	})
}

func (s *Server) setConversationPriority(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, s.scoped(r).Conversation, func(id int64, in struct {
		Priority string `json:"priority"`
	}) error {
		return s.scoped(r).SetPriority(r.Context(), id, in.Priority)
	})
}

// tagBody adds and removes tags.
type tagBody struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

func (s *Server) tagConversation(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, s.scoped(r).Conversation, func(id int64, in tagBody) error {
		return s.scoped(r).Tag(r.Context(), id, in.Add, in.Remove)
	})
}

func (s *Server) setConversationTeam(w http.ResponseWriter, r *http.Request) {
	act(s, w, r, s.scoped(r).Conversation, func(id int64, in struct {
		TeamID *int64 `json:"team_id"`
	}) error {
		var team int64
		if in.TeamID != nil {
			team = *in.TeamID
		}
		return s.scoped(r).SetTeam(r.Context(), id, team)
	})
}

func (s *Server) markConversationRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.scoped(r).MarkRead(r.Context(), id)
	}
	s.respond(w, http.StatusNoContent, nil, err)
}

// parseID reads a positive id given as parameter name.
func parseID(name, v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: want a positive id: %w", name, v, crm.ErrInvalid)
	}
	return id, nil
}

// queryLimit reads ?limit= (0 when absent: the default).
func queryLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 200 {
		return 0, fmt.Errorf("limit %q: want 1 to 200: %w", v, crm.ErrInvalid)
	}
	return n, nil
}

// pageArgs reads the id of the path and a timeline page's ?before= and
// ?limit=.
func pageArgs(r *http.Request) (id int64, before string, limit int, err error) {
	if id, err = pathID(r); err == nil {
		limit, err = queryLimit(r)
	}
	return id, r.URL.Query().Get("before"), limit, err
}
