package workers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
)

// Server runs the task handlers and the reconciler.
type Server struct {
	cfg    Config
	srv    *asynq.Server
	mux    *asynq.ServeMux
	client *asynq.Client
	store  Inbox
	log    *slog.Logger
	stop   context.CancelFunc
	done   chan struct{}
	loops  int
	// rollup says whether EnableRollup was called; listen's wakes run
	// it early.
	rollup bool
	listen func(context.Context) <-chan struct{}
}

// Inbox is all the workers need of the inbox.
type Inbox interface {
	Store
	Schedules
	CheckSLA(ctx context.Context, now time.Time) (int, error)
	PlanAttributeMessages(ctx context.Context, now time.Time) (int, error)
}

// NewServer returns a worker server on Redis. render may be nil. Start
// runs it.
func NewServer(redis asynq.RedisConnOpt, cfg Config, store Inbox, senders Senders, render Renderer, log *slog.Logger) *Server {
	cfg = cfg.withDefaults()
	srv := asynq.NewServer(redis, asynq.Config{
		Concurrency:              cfg.Concurrency,
		Queues:                   map[string]int{QueueLive: 6, QueueDefault: 3, QueueBulk: 1},
		RetryDelayFunc:           cfg.retryDelay,
		DelayedTaskCheckInterval: cfg.DelayedCheck,
		TaskCheckInterval:        cfg.TaskCheck,
		ShutdownTimeout:          cfg.ShutdownTimeout,
		Logger:                   slogger{log},
		LogLevel:                 asynq.WarnLevel,
	})
	mux := asynq.NewServeMux()
	client := asynq.NewClient(redis)
	mux.Handle(TypeDeliver, &deliverer{store: store, senders: senders, log: log})
	mux.Handle(TypeFire, &firer{store: store, render: render, client: client})
	return &Server{cfg: cfg, srv: srv, mux: mux, client: client, store: store, log: log}
}

// Start starts processing tasks and the reconciler.
func (s *Server) Start() error {
	if err := s.srv.Start(s.mux); err != nil {
		return fmt.Errorf("workers: start: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop, s.done, s.loops = cancel, make(chan struct{}, 3), 2
	go s.reconcileLoop(ctx)
	go s.slaLoop(ctx)
	if s.rollup {
		s.loops++
		go s.rollupLoop(ctx)
	}
	return nil
}

// Shutdown stops taking tasks, waits up to ShutdownTimeout for running
// ones and puts unfinished ones back on their queue: no task is lost.
func (s *Server) Shutdown() {
	if s.stop != nil {
		s.stop()
		for range s.loops {
			<-s.done
		}
	}
	s.srv.Shutdown()
	_ = s.client.Close()
}

// slaLoop checks SLA policies every SLAEvery. Several workers may check at
// once: each breach is handled once (see schedule.Book.CheckSLA).
func (s *Server) slaLoop(ctx context.Context) {
	defer func() { s.done <- struct{}{} }()
	t := time.NewTicker(s.cfg.SLAEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.store.CheckSLA(ctx, time.Now()); err != nil && ctx.Err() == nil {
			s.log.Warn("SLA check", "err", err)
		} else if n > 0 {
			s.log.Info("SLA breaches handled", "conversations", n)
		}
	}
}

func (s *Server) reconcileLoop(ctx context.Context) {
	defer func() { s.done <- struct{}{} }()
	t := time.NewTicker(s.cfg.ReconcileEvery)
	defer t.Stop()
	var planned time.Time
	for {
		// Date-driven messages are planned a few times an hour; the
		// reconcile right after enqueues them.
		if time.Since(planned) > 10*time.Minute {
			if n, err := s.store.PlanAttributeMessages(ctx, time.Now()); err != nil && ctx.Err() == nil {
				s.log.Warn("plan attribute messages", "err", err)
			} else if err == nil {
				planned = time.Now()
				if n > 0 {
					s.log.Info("attribute messages planned", "messages", n)
				}
			}
		}
		if n, err := Reconcile(ctx, s.store, s.client); err != nil && ctx.Err() == nil {
			s.log.Warn("reconcile deliveries", "err", err)
		} else if n > 0 {
			s.log.Info("reconcile: re-enqueued", "messages", n)
		}
		horizon := time.Now().Add(2 * s.cfg.ReconcileEvery)
		if n, err := ReconcileSchedules(ctx, s.store, s.client, horizon); err != nil && ctx.Err() == nil {
			s.log.Warn("reconcile schedules", "err", err)
		} else if n > 0 {
			s.log.Debug("reconcile: enqueued", "schedules", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Reconcile enqueues the delivery of every queued message, as Redis may
// have lost them (restarted empty); deliveries still in Redis are left
// alone by their TaskID. It returns how many it enqueued anew.
func Reconcile(ctx context.Context, store Store, c *asynq.Client) (int, error) {
	queued, err := store.Queued(ctx, 10000)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, q := range queued {
		info, err := c.EnqueueContext(ctx, DeliveryTask(q.ID, q.Queue))
		if err != nil {
			if isConflict(err) {
				continue
			}
			return n, fmt.Errorf("workers: reconcile %d: %w", q.ID, err)
		}
		if info != nil {
			n++
		}
	}
	return n, nil
}
