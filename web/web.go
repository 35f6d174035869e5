// Package web is Peyk's HTTP side: health and readiness, metrics, and (as
// the web app lands) the JSON API, channel webhooks and the agent UI.
package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check is one dependency readiness probe, such as a PostgreSQL or Redis
// ping.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Server holds what the HTTP handlers need.
type Server struct {
	checks   []Check
	gatherer prometheus.Gatherer
	version  string
}

// New returns a Server. checks are run by /readyz; gatherer serves
// /metrics.
func New(version string, gatherer prometheus.Gatherer, checks ...Check) *Server {
	return &Server{checks: checks, gatherer: gatherer, version: version}
}

// Handler returns the routes of the server.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{}))
	return mux
}

// home says what this server is until the agent web app takes the root.
func (s *Server) home(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "Peyk "+s.version+" is running.\n\n"+
		"The agent web app is not part of this build yet. Endpoints:\n"+
		"  /healthz  liveness\n  /readyz   PostgreSQL and Redis reachable\n  /metrics  Prometheus metrics\n")
}

// healthz answers as long as the process serves HTTP.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.version})
}

// readyz reports whether every dependency answers, naming those that fail.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	failed := map[string]string{}
	for _, c := range s.checks {
		if err := c.Ping(ctx); err != nil {
			failed[c.Name] = err.Error()
		}
	}
	if len(failed) > 0 {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "failed": failed})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
