package chanstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// channelLockSpace sets channel ownership locks apart from the other
// advisory locks Peyk takes.
const channelLockSpace = int64(2) << 60

// Own runs fn while this process owns channel id, so that of several
// `peyk serve` processes exactly one reads a mailbox or polls a bot. The
// ownership is a PostgreSQL session advisory lock on a connection of its
// own: when the owning process dies its connection closes, the lock is
// released and another process takes over within retry. fn's context ends
// when ownership is lost (the connection fails) or ctx ends; when fn
// returns, ownership is given up and sought again after retry. Own returns
// when ctx is done.
func (s *Store) Own(ctx context.Context, id int64, retry time.Duration, fn func(ctx context.Context) error) error {
	for {
		held, err := s.ownOnce(ctx, id, fn)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && held && s.ownerErrors != nil {
			s.ownerErrors.Inc()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(retry):
		}
	}
}

// ownOnce tries the lock once and, holding it, runs fn. It reports whether
// it held the lock.
func (s *Store) ownOnce(ctx context.Context, id int64, fn func(ctx context.Context) error) (bool, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, channelLockSpace|id).Scan(&got); err != nil || !got {
		return false, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	lost := make(chan struct{})
	go func() { // watch the connection: losing it is losing the lock
		defer close(lost)
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-t.C:
				if conn.Ping(runCtx) != nil {
					cancel()
					return
				}
			}
		}
	}()
	err = fn(runCtx)
	cancel()
	<-lost
	if err != nil {
		return true, fmt.Errorf("chanstore: channel %d: %w", id, err)
	}
	return true, nil
}
