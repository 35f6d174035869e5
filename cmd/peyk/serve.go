package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/peykhq/peyk/channels/sms"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/crm/tags"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/templates/canned"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("serve", stderr)
	withWorkers := fs.Bool("workers", true, "run the background workers in this process too")
	withReceivers := fs.Bool("receivers", true, "read mailboxes and poll bots in this process too (one process owns each channel)")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	log := a.log
	if _, err := resealChannels(ctx, a.ib, a.kinds, log); err != nil {
		log.Warn("channel secrets not re-sealed; the next start tries again", "err", err)
	}
	ropt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("redis url: %w", err)
	}
	rdb := redis.NewClient(ropt)
	defer rdb.Close()
	if *withWorkers {
		wsrv, err := a.startWorkers()
		if err != nil {
			return err
		}
		defer wsrv.Shutdown()
	}
	admin := newChannelAdmin(a)
	if *withReceivers {
		rctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); runReceivers(rctx, a, admin.changed) }()
		defer func() { stop(); <-done }()
	}
	pool, reg := a.pool, a.reg

	hub := web.NewHub(pool, log)
	hubCtx, stopHub := context.WithCancel(ctx)
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); hub.Run(hubCtx) }()
	defer func() { stopHub(); <-hubDone }()
	queue := asynq.NewClient(a.redis)
	defer queue.Close()
	users := auth.NewStore(pool, 0)
	srv := web.New(web.Deps{Version: version(), Gatherer: reg, Log: log,
		Users: users, Channels: admin, Webhooks: admin, ChannelStatus: admin.Status,
		Inbox: a.ib, Contacts: crm.NewStore(pool).WithKinds(a.kinds), Kinds: a.kinds, Templates: templates.NewStore(pool), Queue: queue, Accounts: users,
		Canned: canned.NewStore(pool), Tags: tags.NewStore(pool),
		Segments: func(text string) any { return sms.Segments(text) },
		Sessions: users, CookieSecure: cfg.CookieSecure, MetricsToken: cfg.MetricsToken, PublicURL: cfg.PublicURL, Events: hub, Reports: kpi.New(pool),
		Checks: []web.Check{{Name: "postgres", Ping: pool.Ping},
			{Name: "redis", Ping: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }}}})
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	hs := web.NewHTTPServer(srv.Handler(), web.DefaultServerConfig, log)
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "version", version())
	fmt.Fprintf(stdout, "peyk: serving on http://%s\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
