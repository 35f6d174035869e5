package web

import (
	"context"
	"net/http"
)

// Webhooks finds the webhook handler of a channel. The adapters check the
// provider's signature or secret themselves and answer only after the
// message is committed.
type Webhooks interface {
	Webhook(ctx context.Context, channelID int64, part string) (http.Handler, error)
}

// webhook passes a provider's call to its channel's handler:
// GET or POST /webhooks/{channel id}[/{part}] (part: "in", "status" for
// SMS).
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	h, err := s.Webhooks.Webhook(r.Context(), id, r.PathValue("part"))
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	h.ServeHTTP(w, r)
}
