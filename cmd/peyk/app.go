package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/workers"
)

// app is what serve and worker share: the database, the inbox, the queue
// and the metrics registry, built once from the config.
type app struct {
	cfg   *config
	log   *slog.Logger
	pool  *pgxpool.Pool
	ib    *inbox.Inbox
	reg   *prometheus.Registry
	redis asynq.RedisConnOpt
	// kinds is the channel registry (knownKinds).
	kinds *channels.Registry
	// status is how this process's channels are doing.
	status *channels.StatusBoard
}

// statusBoard returns the app's channel status board, made on first use.
func (a *app) statusBoard() *channels.StatusBoard {
	if a.status == nil {
		a.status = channels.NewStatusBoard()
	}
	return a.status
}

// logger returns the app's logger, or one that discards.
func (a *app) logger() *slog.Logger {
	if a.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.log
}

// openApp connects to PostgreSQL (migrating it) and parses the Redis URL.
func openApp(ctx context.Context, cfg *config, stderr io.Writer) (*app, error) {
	a := &app{cfg: cfg, log: newLogger(stderr, cfg.LogLevel), reg: prometheus.NewRegistry()}
	redis, err := asynq.ParseRedisURI(cfg.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("redis url %q: %w", cfg.RedisURL, err)
	}
	a.redis = redis
	a.pool, err = db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx, a.pool); err != nil {
		a.pool.Close()
		return nil, err
	}
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.kinds = knownKinds()
	a.ib = inbox.New(a.pool, inbox.Config{SecretKey: cfg.SecretKey, TeamVisibility: cfg.TeamVisibility, Logger: a.log,
		Kinds: a.kinds}, inbox.NewMetrics(a.reg))
	return a, nil
}

func (a *app) close() { a.pool.Close() }

// startWorkers starts the background workers in this process.
func (a *app) startWorkers() (*workers.Server, error) {
	srv := workers.NewServer(a.redis, workers.Config{}, a.ib, newSenders(a),
		&workers.TemplateRenderer{Templates: templates.NewStore(a.pool), Contacts: crm.NewStore(a.pool).WithKinds(a.kinds), Inbox: a.ib}, a.log)
	srv.EnableRollup(kpi.NewRoller(a.pool), func(ctx context.Context) <-chan struct{} {
		return workers.Listen(ctx, a.pool, inbox.NotifyChannel, a.log)
	})
	if err := srv.Start(); err != nil {
		return nil, err
	}
	return srv, nil
}
