package web

import (
	"context"
	"net/http"
	"time"
)

// writeTimeoutKey is the request context key under which NewHTTPServer
// puts its WriteTimeout, for handlers that send long bodies.
type writeTimeoutKey struct{}

// streamChunk is how much a progressWriter writes under one deadline.
const streamChunk = 32 << 10

// progressWriter writes a long response body (an attachment, a CSV
// export) in chunks, moving the connection's write deadline to one write
// timeout from now before each: a slow link that keeps reading gets the
// whole body however long it takes, one that stops reading is still cut
// after a write timeout without progress.
type progressWriter struct {
	w      http.ResponseWriter
	rc     *http.ResponseController
	window time.Duration
}

// newProgressWriter returns the progressWriter of w, its window the
// server's write timeout (DefaultServerConfig's when r did not come
// through NewHTTPServer).
func newProgressWriter(w http.ResponseWriter, r *http.Request) *progressWriter {
	window, _ := r.Context().Value(writeTimeoutKey{}).(time.Duration)
	if window <= 0 {
		window = DefaultServerConfig.WriteTimeout
	}
	return &progressWriter{w: w, rc: http.NewResponseController(w), window: window}
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		c := b[:min(len(b), streamChunk)]
		// A writer without deadlines (a test recorder) just writes.
		_ = p.rc.SetWriteDeadline(time.Now().Add(p.window))
		m, err := p.w.Write(c)
		n += m
		if err != nil {
			return n, err
		}
		b = b[m:]
	}
	return n, nil
}

// withWriteTimeout returns the base context of a server whose write
// timeout is d.
func withWriteTimeout(d time.Duration) context.Context {
	return context.WithValue(context.Background(), writeTimeoutKey{}, d)
}
