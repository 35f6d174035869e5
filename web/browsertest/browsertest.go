// Package browsertest runs Peyk's web app on a test server, on a real
// PostgreSQL schema (dbtest) and Redis database (redistest), with the
// event hub listening, and drives it in a real headless Chromium (Debian's
// chromium package) through chromedp. Browser tests live next to it as
// _test files; docs in /tmp/peyk-coord/browser.md and docs/security.md.
package browsertest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/crm/tags"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/templates/canned"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
	"github.com/peykhq/peyk/workers/redistest"
)

// Password is the password of the Env's users.
const Password = "correct horse battery"

// Env is a running Peyk web app with an agent and an admin.
type Env struct {
	// URL is the server's base URL (http://127.0.0.1:port).
	URL      string
	Pool     *pgxpool.Pool
	Inbox    *inbox.Inbox
	Contacts *crm.Store
	Users    *auth.Store
	Queue    *asynq.Client
	Redis    asynq.RedisConnOpt
	// Agent (agent@example.com, Persian locale) and Admin
	// (admin@example.com, English locale) both sign in with Password.
	Agent, Admin auth.User
}

// New starts the web app with real dependencies. adjust, when not nil,
// may change or add Deps (a Webhooks finder, say) before the server
// starts. Everything stops when the test ends.
func New(t *testing.T, adjust func(*web.Deps)) *Env {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.New(t)
	ropt := redistest.New(t)
	e := &Env{Pool: pool, Inbox: inbox.New(pool, inbox.Config{}, nil), Contacts: crm.NewStore(pool),
		Users: auth.NewStore(pool, 4), // bcrypt's least cost keeps logins fast
		Redis: asynq.RedisClientOpt{Addr: ropt.Addr, DB: ropt.DB, Password: ropt.Password}}
	e.Queue = asynq.NewClient(e.Redis)
	t.Cleanup(func() { e.Queue.Close() })
	var err error
	if e.Agent, err = e.Users.CreateUser(ctx, auth.NewUser{Email: "agent@example.com", Name: "سارا رضایی",
		Role: auth.RoleAgent, Password: Password, Locale: templates.Persian}); err != nil {
		t.Fatal(err)
	}
	if e.Admin, err = e.Users.CreateUser(ctx, auth.NewUser{Email: "admin@example.com", Name: "Admin",
		Role: auth.RoleAdmin, Password: Password, Locale: templates.English}); err != nil {
		t.Fatal(err)
	}
	hub := web.NewHub(pool, nil)
	d := web.Deps{Version: "browsertest", Users: e.Users, Sessions: e.Users, Accounts: e.Users,
		Inbox: e.Inbox, Contacts: e.Contacts, Templates: templates.NewStore(pool), Queue: e.Queue,
		Canned: canned.NewStore(pool), Tags: tags.NewStore(pool),
		Events: hub, Checks: []web.Check{{Name: "postgres", Ping: pool.Ping}}}
	if adjust != nil {
		adjust(&d)
	}
	srv := httptest.NewServer(web.New(d).Handler())
	t.Cleanup(srv.Close)
	// Cleanups run last-in first-out: the hub stops (ending event streams)
	// before the server waits for its requests.
	hubCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); hub.Run(hubCtx) }()
	t.Cleanup(func() { stop(); <-done })
	e.URL = srv.URL
	return e
}
