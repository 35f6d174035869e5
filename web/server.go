package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// ServerConfig bounds how long a connection may take and how many
// request bodies may be arriving at once.
type ServerConfig struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included: a client
	// that sends its body slowly is cut off after it.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the
	// end of the response. GET /events, the event stream, clears it;
	// attachment downloads and CSV exports move it forward before every
	// chunk they write, so they are cut only after a WriteTimeout without
	// progress.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection idle this long.
	IdleTimeout time.Duration
	// MaxBodies is how many requests may be sending their bodies at
	// once; one more is answered 503 with Retry-After at once instead of
	// holding a connection and a goroutine until ReadTimeout.
	MaxBodies int
}

// DefaultServerConfig is the configuration `peyk serve` uses.
var DefaultServerConfig = ServerConfig{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       60 * time.Second,
	WriteTimeout:      60 * time.Second,
	IdleTimeout:       120 * time.Second,
	MaxBodies:         256,
}

// NewHTTPServer returns the http.Server that serves h with the timeouts
// and the cap on concurrent request bodies of c (zero fields take
// DefaultServerConfig's), logging the server's own errors to log.
func NewHTTPServer(h http.Handler, c ServerConfig, log *slog.Logger) *http.Server {
	d := DefaultServerConfig
	c.ReadHeaderTimeout = orDefault(c.ReadHeaderTimeout, d.ReadHeaderTimeout)
	c.ReadTimeout = orDefault(c.ReadTimeout, d.ReadTimeout)
	c.WriteTimeout = orDefault(c.WriteTimeout, d.WriteTimeout)
	c.IdleTimeout = orDefault(c.IdleTimeout, d.IdleTimeout)
	if c.MaxBodies <= 0 {
		c.MaxBodies = d.MaxBodies
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Handler:           limitBodies(h, c.MaxBodies, log),
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		ReadTimeout:       c.ReadTimeout,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return withWriteTimeout(c.WriteTimeout) },
	}
}

func orDefault(v, d time.Duration) time.Duration {
	if v <= 0 {
		return d
	}
	return v
}

// limitBodies lets at most max requests read their bodies at once: a
// request with a body takes a slot before h runs and gives it back when
// its body is read to the end, closed, or h returns. A request that finds
// no slot free is answered 503 with Retry-After: a short page in Persian
// and English for a browser (Accept: text/html), the JSON error else.
func limitBodies(h http.Handler, max int, log *slog.Logger) http.Handler {
	slots := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			h.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			log.Warn("http: too many request bodies arriving at once; refused", "max", max, "path", r.URL.Path)
			w.Header().Set("Retry-After", RetryAfter)
			w.Header().Set("Connection", "close")
			if wantsHTML(r) { // a browser's form post: a page in both languages
				writeShortPage(w, http.StatusServiceUnavailable, "", "error.busy")
				return
			}
			writeJSON(w, http.StatusServiceUnavailable, map[string]apiError{"error": {Code: "unavailable",
				Message: "too many requests are sending their bodies at once; retry later"}})
			return
		}
		b := &gatedBody{body: r.Body, release: sync.OnceFunc(func() { <-slots })}
		defer b.release()
		r.Body = b
		h.ServeHTTP(w, r)
	})
}

// gatedBody is a request body that frees its slot once read or closed.
type gatedBody struct {
	body    io.ReadCloser
	release func()
}

func (b *gatedBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err != nil {
		b.release()
	}
	return n, err
}

func (b *gatedBody) Close() error {
	b.release()
	return b.body.Close()
}
