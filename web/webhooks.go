package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/peykhq/peyk/inbox"
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
// A call that fails because the database cannot be reached is answered
// 503 with Retry-After, whatever the adapter answered, and every call is
// logged in one line: channel, provider ids, status.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	part := r.PathValue("part")
	h, err := s.Webhooks.Webhook(r.Context(), id, part)
	if err != nil {
		status, _ := statusOf(err)
		s.logWebhook(id, part, status, nil, err)
		writeError(w, s.log, err)
		return
	}
	ctx, rep := inbox.WithReport(r.Context())
	rw := &webhookWriter{ResponseWriter: w, rep: rep}
	h.ServeHTTP(rw, r.WithContext(ctx))
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	s.logWebhook(id, part, rw.status, rep, rep.Err())
}

// logWebhook writes the one log line of a webhook call.
func (s *Server) logWebhook(id int64, part string, status int, rep *inbox.Report, err error) {
	level, msg := slog.LevelInfo, "webhook accepted"
	if status >= 300 {
		level, msg = slog.LevelWarn, "webhook refused"
	}
	attrs := []slog.Attr{slog.Int64("channel_id", id), slog.Int("status", status)}
	if part != "" {
		attrs = append(attrs, slog.String("part", part))
	}
	if rep != nil {
		if ids := rep.ExternalIDs(); len(ids) > 0 {
			attrs = append(attrs, slog.String("provider_id", strings.Join(ids, ",")), slog.Int("stored", rep.Stored()))
		}
	}
	if err != nil {
		attrs = append(attrs, slog.Any("err", err))
	}
	s.log.LogAttrs(context.Background(), level, msg, attrs...)
}

// webhookWriter records the status an adapter answers and turns a 5xx
// into 503 with Retry-After when the database could not be reached.
type webhookWriter struct {
	http.ResponseWriter
	rep    *inbox.Report
	status int
}

func (w *webhookWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	if code >= http.StatusInternalServerError && w.rep.Unavailable() {
		code = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", RetryAfter)
	}
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *webhookWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *webhookWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
