package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

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
	// Test checks a channel's connection and says what failed.
	Test(ctx context.Context, id int64) error
}

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
	if err := s.Channels.Test(r.Context(), id); err != nil {
		if status, _ := statusOf(err); status != http.StatusInternalServerError {
			writeError(w, s.log, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
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
