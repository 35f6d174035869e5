// Package web is Peyk's HTTP side: health and readiness, metrics, and (as
// the web app lands) the JSON API, channel webhooks and the agent UI.
package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/crm/tags"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/templates/canned"
	"github.com/peykhq/peyk/web/auth"
)

// Check is one dependency readiness probe, such as a PostgreSQL or Redis
// ping.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Deps is what the server is built from; nil parts turn their routes off
// (they answer 404).
type Deps struct {
	Version  string
	Gatherer prometheus.Gatherer
	// Checks are run by /readyz.
	Checks []Check
	// Users authenticates API tokens.
	Users Users
	// Channels manages channels for the API.
	Channels Channels
	// Webhooks finds channels' webhook handlers (Telegram, SMS, PBX).
	Webhooks Webhooks
	// Segments counts the SMS parts of a text (sms.Segments), for the
	// agent to see before sending.
	Segments func(text string) any
	// Inbox serves conversations, messages, schedules and users to the
	// API and the agent UI; nil turns both off.
	Inbox *inbox.Inbox
	// Contacts serves contacts (search, update, tags, merge) to the API
	// and the UI.
	Contacts *crm.Store
	// Templates serves message templates and their overrides.
	Templates *templates.Store
	// Canned serves canned responses (settings page, API, the reply box).
	Canned *canned.Store
	// Tags manages tags as a whole: counts, rename, merge, colours.
	Tags *tags.Store
	// Queue enqueues deliveries of replies and firings of schedules.
	Queue *asynq.Client
	// Accounts creates users (admins only).
	Accounts Accounts
	// Sessions signs browsers in (GET/POST /login, POST /logout) and lets
	// the session cookie authenticate; nil turns login off.
	Sessions Sessions
	// CookieSecure marks the session cookie Secure even on plain HTTP
	// requests (behind a TLS-terminating proxy); it is always Secure over
	// TLS.
	CookieSecure bool
	// MetricsToken, when set, is the bearer token GET /metrics requires
	// (401 without it); empty leaves /metrics open.
	MetricsToken string
	// PublicURL is where providers and browsers reach Peyk
	// (https://peyk.example), for the webhook URLs the settings show;
	// empty: the host the browser used (X-Forwarded-Host behind a proxy).
	PublicURL string
	// Events feeds the browser's event stream (GET /events); nil turns it
	// off.
	Events *Hub
	// Reports computes the service KPIs for the reports API
	// (/api/v1/reports) and page (/reports); nil turns both off.
	Reports *kpi.Store
	// ChannelStatus reports how a channel is doing (GET
	// /api/v1/channels/{id}/status); nil turns the route off.
	ChannelStatus func(ctx context.Context, id int64) (channels.Status, error)
	// Kinds is the channel registry: which identity a reply on each
	// channel kind reaches, and the kinds' labels. Nil knows the four
	// original kinds.
	Kinds *channels.Registry
	Log   *slog.Logger
}

// Server holds what the HTTP handlers need: its Deps, defaults filled in.
type Server struct {
	Deps
	log    *slog.Logger
	routes []Route
	// pages are the browser pages behind a session (handlePage).
	pages []Route
	// origins rejects cross-origin unsafe browser requests (CSRF).
	origins *http.CrossOriginProtection
	// emailLimit and ipLimit count failed logins.
	emailLimit, ipLimit *limiter
	// failPage shows an error to a signed-in user as a page of the app,
	// in its layout (set by the agent UI; nil: a short page).
	failPage func(w http.ResponseWriter, r *http.Request, err error)
	// sections are the settings sections this server registered.
	sections []settingsSection
}

// New returns a Server.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Gatherer == nil {
		d.Gatherer = prometheus.NewRegistry()
	}
	return &Server{Deps: d, log: d.Log, origins: http.NewCrossOriginProtection(),
		emailLimit: newLimiter(loginEmailFails, loginWindow, nil),
		ipLimit:    newLimiter(loginIPFails, loginWindow, nil)}
}

// Handler returns the routes of the server, every one registered here.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes, s.pages = nil, nil
	if s.Inbox == nil {
		mux.HandleFunc("GET /{$}", s.home) // else the agent UI's inbox is the root
	}
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsAuth(promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{})))
	if s.Channels != nil {
		s.handle(mux, auth.RoleAgent, "GET /api/v1/channels", s.listChannels)
		s.handle(mux, auth.RoleAdmin, "POST /api/v1/channels", s.createChannel)
		s.handle(mux, auth.RoleAdmin, "POST /api/v1/channels/{id}/test", s.testChannel)
		s.handle(mux, auth.RoleAdmin, "PATCH /api/v1/channels/{id}", s.updateChannel)
		s.handle(mux, auth.RoleAdmin, "POST /api/v1/channels/{id}/disable", s.enableChannel(false))
		s.handle(mux, auth.RoleAdmin, "POST /api/v1/channels/{id}/enable", s.enableChannel(true))
		s.handle(mux, auth.RoleAdmin, "DELETE /api/v1/channels/{id}", s.deleteChannel)
	}
	if s.ChannelStatus != nil {
		s.handle(mux, auth.RoleAdmin, "GET /api/v1/channels/{id}/status", s.channelStatus)
	}
	if s.Kinds != nil {
		s.handle(mux, auth.RoleAdmin, "GET /api/v1/channel-kinds", s.listChannelKinds)
	}
	if s.Segments != nil {
		s.handle(mux, auth.RoleAgent, "POST /api/v1/sms/segments", s.smsSegments)
	}
	if s.Webhooks != nil {
		// GET too: SMS gateways such as Kannel (get-url, dlr-url) call with
		// a query string; each handler refuses the methods it does not take.
		for _, method := range []string{"GET", "POST"} {
			mux.HandleFunc(method+" /webhooks/{id}", s.webhook)
			mux.HandleFunc(method+" /webhooks/{id}/{part...}", s.webhook)
		}
	}
	s.authRoutes(mux)
	if s.Events != nil {
		// Not in Routes(): the stream never ends, so route walks skip it.
		mux.HandleFunc("GET /events", s.requireRole(auth.RoleAgent, s.events))
	}
	s.apiRoutes(mux)
	s.uiRoutes(mux)
	s.reportRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, s.log, fmt.Errorf("no route %s %s: %w", r.Method, r.URL.Path, crm.ErrNotFound))
	})
	return s.securityHeaders(mux)
}

// home says what this server is when it runs without the agent web app.
func (s *Server) home(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "Peyk "+s.Version+" is running.\n\n"+
		"The agent web app is not part of this build yet. Endpoints:\n"+
		"  /healthz     liveness\n  /readyz      PostgreSQL and Redis reachable\n  /metrics     Prometheus metrics\n"+
		"  /api/v1/…    the REST API (Authorization: Bearer <token from peyk token create>)\n"+
		"  /webhooks/…  channel webhooks (Telegram, SMS, PBX)\n"+
		"See docs/openapi.yaml.\n")
}

// metricsAuth lets a request through to next only with the bearer token
// MetricsToken, compared in constant time; without a MetricsToken, every
// request.
func (s *Server) metricsAuth(next http.Handler) http.Handler {
	if s.MetricsToken == "" {
		return next
	}
	want := []byte("Bearer " + s.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			writeError(w, s.log, fmt.Errorf("metrics: no or bad bearer token: %w", errUnauthorized))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// healthz answers as long as the process serves HTTP.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.Version})
}

// readyz reports whether every dependency answers, naming those that fail.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	failed := map[string]string{}
	for _, c := range s.Checks {
		if err := c.Ping(ctx); err != nil {
			// The details (addresses, users) go to the log, not to anyone
			// who asks.
			s.log.Warn("readiness check failed", "check", c.Name, "err", err)
			failed[c.Name] = "unreachable"
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
