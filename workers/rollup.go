package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/inbox/kpi"
)

// TypeRollup is the task that folds the facts written since the last run
// into the KPI tables (kpi.Roller.Roll). Its TaskID is RollupTaskID, so
// at most one waits in the queue and wakes that come meanwhile join it.
const TypeRollup = "kpi:rollup"

// RollupTaskID is the TaskID of every TypeRollup task.
const RollupTaskID = "kpi-rollup"

// Roller folds new facts into the KPI tables; kpi.Roller is one.
type Roller interface {
	Roll(ctx context.Context) (kpi.Rolled, error)
}

// roller handles TypeRollup.
type roller struct {
	roll Roller
	log  *slog.Logger
}

func (h *roller) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	start := time.Now()
	n, err := h.roll.Roll(ctx)
	if err != nil {
		// Not returned: a failed task would be archived under the TaskID
		// and block every later one. The next tick runs it again.
		h.log.Warn("KPI rollup", "err", fmt.Errorf("workers: rollup: %w", err))
		return nil
	}
	if n.Conversations > 0 {
		h.log.Debug("KPI rollup", "conversations", n.Conversations, "took", time.Since(start))
	}
	return nil
}

// EnableRollup makes s run the KPI rollup: a TypeRollup task enqueued
// every cfg.RollupEvery and, sooner, on each wake that listen's channel
// gives (started with the server, until its Shutdown; Listen gives one
// per NOTIFY of a commit). listen may be nil: ticks only. Call it before
// Start.
func (s *Server) EnableRollup(r Roller, listen func(context.Context) <-chan struct{}) {
	s.mux.Handle(TypeRollup, &roller{roll: r, log: s.log})
	s.listen, s.rollup = listen, true
}

// rollupLoop enqueues the rollup on each tick and wake. A wake that finds
// the task still queued is served by it; one that finds it running (its
// snapshot may predate the commit) tries again shortly.
func (s *Server) rollupLoop(ctx context.Context) {
	defer func() { s.done <- struct{}{} }()
	var wakes <-chan struct{}
	if s.listen != nil {
		wakes = s.listen(ctx)
	}
	tick := time.NewTicker(s.cfg.RollupEvery)
	defer tick.Stop()
	retry := time.NewTimer(0)
	defer retry.Stop()
	due := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			due = true
		case <-wakes:
			due = true
		case <-retry.C:
		}
		if !due {
			continue
		}
		_, err := s.client.EnqueueContext(ctx, asynq.NewTask(TypeRollup, nil), asynq.TaskID(RollupTaskID),
			asynq.Queue(QueueLive), asynq.MaxRetry(0))
		switch {
		case errors.Is(err, asynq.ErrTaskIDConflict):
			retry.Reset(s.cfg.RollupEvery / 10)
		case err != nil && ctx.Err() == nil:
			s.log.Warn("enqueue KPI rollup", "err", err)
			retry.Reset(s.cfg.RollupEvery)
		default:
			due = false
		}
	}
}
