package web

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
)

// Channels manages channels for the API; cmd/peyk implements it with the
// adapters it knows.
type Channels interface {
	List(ctx context.Context) ([]inbox.Channel, error)
	// Create validates and stores a channel of kind; config holds the
	// adapter's settings, secrets included (they are stored encrypted and
	// never returned).
	Create(ctx context.Context, kind, name string, config json.RawMessage) (inbox.Channel, error)
	// Test checks a channel's connection and says what failed; for a kind
	// without a connection test it returns an error wrapping
	// ErrNotApplicable.
	Test(ctx context.Context, id int64) error
	// Update changes a channel's name (kept when empty) and settings:
	// patch is a JSON merge patch on the stored settings, so omitted keys,
	// secrets included, keep their stored value.
	Update(ctx context.Context, id int64, name string, patch json.RawMessage) (inbox.Channel, error)
	// SetEnabled enables or disables a channel.
	SetEnabled(ctx context.Context, id int64, enabled bool) (inbox.Channel, error)
	// Delete deletes a channel; one with conversations is refused with an
	// error wrapping crm.ErrConflict unless force is set. It returns how
	// many conversations the channel had.
	Delete(ctx context.Context, id int64, force bool) (int, error)
}

// ErrNotApplicable is wrapped by Channels.Test for a channel kind that
// has no connection test (a PBX or an SMS gateway only calls in).
var ErrNotApplicable = errors.New("this kind of channel has no connection test")

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Channels.List(r.Context())
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": cs})
}

func (s *Server) createChannel(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Kind   string          `json:"kind"`
		Name   string          `json:"name"`
		Config json.RawMessage `json:"config"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, s.log, err)
		return
	}
	c, err := s.Channels.Create(r.Context(), in.Kind, in.Name, in.Config)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) testChannel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	ctx, notes := channels.WithNotes(r.Context())
	err = s.Channels.Test(ctx, id)
	if errors.Is(err, ErrNotApplicable) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "applicable": false})
		return
	}
	if err != nil {
		// The caller's mistakes (no such channel) are errors; anything else
		// is the test's finding, network failures included.
		if status, _ := statusOf(err); status < http.StatusInternalServerError {
			writeError(w, s.log, err)
			return
		}
		writeJSON(w, http.StatusOK, withNotes(map[string]any{"ok": false, "error": err.Error()}, notes))
		return
	}
	writeJSON(w, http.StatusOK, withNotes(map[string]any{"ok": true, "applicable": true}, notes))
}

// withNotes adds the test's notes for the operator to its answer, as
// "notes", when it has any.
func withNotes(answer map[string]any, notes *channels.Notes) map[string]any {
	if list := notes.List(); len(list) > 0 {
		answer["notes"] = list
	}
	return answer
}

// updateChannel: PATCH /api/v1/channels/{id} with {"name", "config"}, both
// optional; config is merged into the stored settings.
func (s *Server) updateChannel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	var in struct {
		Name   string          `json:"name"`
		Config json.RawMessage `json:"config"`
	}
	if err := decode(r, &in); err != nil {
		writeError(w, s.log, err)
		return
	}
	c, err := s.Channels.Update(r.Context(), id, in.Name, in.Config)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// enableChannel returns the handler of POST /api/v1/channels/{id}/enable
// (enabled true) or …/disable.
func (s *Server) enableChannel(enabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			writeError(w, s.log, err)
			return
		}
		c, err := s.Channels.SetEnabled(r.Context(), id, enabled)
		if err != nil {
			writeError(w, s.log, err)
			return
		}
		writeJSON(w, http.StatusOK, c)
	}
}

// deleteChannel: DELETE /api/v1/channels/{id}[?force=true].
func (s *Server) deleteChannel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	force, err := strconv.ParseBool(cmp.Or(r.URL.Query().Get("force"), "false"))
	if err != nil {
		writeError(w, s.log, fmt.Errorf("force %q: want true or false: %w", r.URL.Query().Get("force"), crm.ErrInvalid))
		return
	}
	n, err := s.Channels.Delete(r.Context(), id, force)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": id, "conversations": n})
}

// decode reads a JSON body of at most 1 MiB into v.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %v: %w", err, crm.ErrInvalid)
	}
	return nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("id %q: %w", r.PathValue("id"), crm.ErrInvalid)
	}
	return id, nil
}

// channelStatus: GET /api/v1/channels/{id}/status.
func (s *Server) channelStatus(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	st, err := s.ChannelStatus(r.Context(), id)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
