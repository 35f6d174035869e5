// Package workers runs Peyk's background work on asynq: outbound delivery
// now, and reminders, follow-ups, scheduled messages and SLA checks as they
// land. PostgreSQL holds the truth; Redis (asynq) delivers it, and a
// reconciler re-enqueues whatever Redis lost.
package workers

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/channels"
)

// Queues, by weight: a backlog of bulk reminders never starves live
// replies, which get six of every ten worker turns.
const (
	QueueLive    = "live"
	QueueDefault = "default"
	QueueBulk    = "bulk"
)

// Config tunes the workers. Zero fields take their defaults.
type Config struct {
	// Concurrency is how many tasks run at once. Default 500: a schedule's
	// task comes a little before its due time and waits (a goroutine, not
	// a database connection) in its slot.
	Concurrency int
	// Backoff is the wait before retry n of a failed task; nil backs off
	// as asynq does (n⁴ seconds plus jitter: a day over DeliveryRetries).
	// A provider's Retry-After always wins.
	Backoff func(n int) time.Duration
	// DelayedCheck is how often scheduled tasks are moved to their queue.
	// Default 250ms.
	DelayedCheck time.Duration
	// ReconcileEvery is how often queued messages missing from Redis are
	// enqueued again. Default 30s.
	ReconcileEvery time.Duration
	// SLAEvery is how often SLA policies are checked. Default 15s.
	SLAEvery time.Duration
	// TaskCheck is how often an idle worker looks for new tasks (asynq
	// polls its queues). Default 200ms (asynq's own is 1s): a NOTIFY-woken
	// KPI rollup would otherwise wait up to 1.5s to start.
	TaskCheck time.Duration
	// RollupEvery is how often the KPI rollup runs when no NOTIFY wakes
	// it sooner (EnableRollup). Default 1s.
	RollupEvery time.Duration
	// ShutdownTimeout is how long a shutdown waits for running tasks.
	// Unfinished tasks go back to their queue. Default 20s.
	ShutdownTimeout time.Duration
}

func (c Config) withDefaults() Config {
	if c.Concurrency <= 0 {
		c.Concurrency = 500
	}
	if c.DelayedCheck <= 0 {
		c.DelayedCheck = 250 * time.Millisecond
	}
	if c.ReconcileEvery <= 0 {
		c.ReconcileEvery = 30 * time.Second
	}
	if c.SLAEvery <= 0 {
		c.SLAEvery = 15 * time.Second
	}
	if c.TaskCheck <= 0 {
		c.TaskCheck = 200 * time.Millisecond
	}
	if c.RollupEvery <= 0 {
		c.RollupEvery = time.Second
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 20 * time.Second
	}
	return c
}

// retryDelay honours a provider's Retry-After, else backs off.
func (c Config) retryDelay(n int, err error, t *asynq.Task) time.Duration {
	var ra *channels.RetryAfterError
	if errors.As(err, &ra) && ra.After > 0 {
		return ra.After
	}
	if c.Backoff != nil {
		return c.Backoff(n)
	}
	return asynq.DefaultRetryDelayFunc(n, err, t)
}

// slogger adapts slog to asynq's logger.
type slogger struct{ log *slog.Logger }

func (l slogger) Debug(args ...any) { l.log.Debug("asynq", "msg", args) }
func (l slogger) Info(args ...any)  { l.log.Info("asynq", "msg", args) }
func (l slogger) Warn(args ...any)  { l.log.Warn("asynq", "msg", args) }
func (l slogger) Error(args ...any) { l.log.Error("asynq", "msg", args) }
func (l slogger) Fatal(args ...any) { l.log.Error("asynq fatal", "msg", args) }

// contextDone reports whether ctx is done, without blocking.
func contextDone(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}
