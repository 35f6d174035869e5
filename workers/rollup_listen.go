package workers

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Listen LISTENs on the PostgreSQL channel (inbox.NotifyChannel: the
// ingest, replies and agent actions notify it as they commit) and sends
// on the returned channel for each notification, dropping those that
// find one waiting: a wake stands for any number of commits. It holds one
// connection of pool until ctx ends, reconnecting after failures.
func Listen(ctx context.Context, pool *pgxpool.Pool, channel string, log *slog.Logger) <-chan struct{} {
	wakes := make(chan struct{}, 1)
	wake := func() {
		select {
		case wakes <- struct{}{}:
		default:
		}
	}
	go func() {
		backoff := 500 * time.Millisecond
		for ctx.Err() == nil {
			err := listenOnce(ctx, pool, channel, wake)
			if ctx.Err() != nil {
				return
			}
			log.Warn("KPI rollup: LISTEN connection lost; reconnecting", "err", err, "in", backoff)
			wake() // notifications may have been missed
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 30*time.Second)
		}
	}()
	return wakes
}

func listenOnce(ctx context.Context, pool *pgxpool.Pool, channel string, wake func()) error {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	conn := c.Hijack() // a LISTENing connection never goes back to the pool
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}
