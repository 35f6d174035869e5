package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/peykhq/peyk/inbox"
)

// events streams inbox events to the browser as Server-Sent Events: each
// NOTIFY payload (inbox.Event JSON) as an unnamed message whose id counts
// up within this process, and {"type":"resync"} when events may have been
// missed. There is no replay: Last-Event-ID is ignored, and a browser that
// reconnects should reload what it shows. Comment lines keep an idle
// stream open.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives any write timeout
	sub := s.Events.subscribe()
	defer sub.cancel()
	visible := s.eventFilter(r)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: pass events on at once
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "retry: 3000\n: connected\n\n")
	every := s.Events.Heartbeat
	if every <= 0 {
		every = 25 * time.Second
	}
	beat := time.NewTicker(every)
	defer beat.Stop()
	for {
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case ev, ok := <-sub.events:
			if !ok {
				if sub.lagged {
					writeEvent(w, hubEvent{data: resyncEvent})
					_ = rc.Flush()
				}
				return
			}
			if id := signedOut(ev); id != 0 { // a user's sessions ended: theirs stop, nobody sees it
				if id == userOf(r).ID && !s.stillSignedIn(r) {
					return
				}
				continue
			}
			if visible(r.Context(), ev) {
				writeEvent(w, ev)
			}
		case <-beat.C:
			_, _ = io.WriteString(w, ": ping\n\n")
		}
	}
}

// eventFilter returns what reports whether the caller may see an event:
// under team_visibility, an event of a conversation hidden from them is
// left out of their stream (checked when it comes, so a conversation moved
// to or from their team is seen at once). Events of no conversation
// (resync, messages.imported) always pass.
func (s *Server) eventFilter(r *http.Request) func(context.Context, hubEvent) bool {
	all := func(context.Context, hubEvent) bool { return true }
	if s.Inbox == nil {
		return all
	}
	sc := s.scoped(r)
	if !sc.Viewer().Restricted {
		return all
	}
	return func(ctx context.Context, ev hubEvent) bool {
		var e inbox.Event
		if err := json.Unmarshal([]byte(ev.data), &e); err != nil || e.ConversationID == 0 {
			return true
		}
		return sc.CanSee(ctx, e.ConversationID) == nil
	}
}

// writeEvent writes one SSE message; a data line per line of its data.
func writeEvent(w io.Writer, ev hubEvent) {
	var b strings.Builder
	if ev.id != 0 {
		fmt.Fprintf(&b, "id: %d\n", ev.id)
	}
	data := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(ev.data)
	for _, line := range strings.Split(data, "\n") {
		b.WriteString("data: ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	_, _ = io.WriteString(w, b.String())
}
