package inbox

import (
	"context"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db"
)

// request is one caller's batch waiting for a group commit.
type request struct {
	ctx   context.Context // the caller's: once done, its cursors are left out
	items []item
	done  chan error
	stats stats
}

// stats counts what a commit did with a request's messages.
type stats struct {
	inserted, duplicate int
}

var _ channels.Sink = (*Inbox)(nil)

// Ingest stores a batch of inbound messages and returns once they are
// committed. The batch commits atomically with the channel cursors it
// carries: on error nothing of it is stored. Messages already stored (same
// channel and external id) are skipped, so retrying a batch is safe.
//
// A caller whose ctx is done gets ctx.Err(). Its batch may still commit,
// but without its cursors once ctx is done before the commit holds the
// channel's row: a receiver restarted meanwhile never sees its cursor
// moved back by the run it replaced.
//
// Concurrent callers are coalesced into shared transactions (group commit).
//
// A message that fails validation fails the whole call with an error
// wrapping ErrInvalid, before anything is written. A database that cannot
// be reached, or drops the connection, is tried again a few times with
// backoff; the error then returned satisfies db.IsTransient.
func (ib *Inbox) Ingest(ctx context.Context, batch []channels.Inbound) error {
	_, err := ib.IngestCount(ctx, batch)
	return err
}

// IngestCount is Ingest that also reports how many messages were new.
func (ib *Inbox) IngestCount(ctx context.Context, batch []channels.Inbound) (int, error) {
	start := time.Now()
	if len(batch) == 0 {
		return 0, nil
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	r := &request{ctx: ctx, items: make([]item, len(batch)), done: make(chan error, 1)}
	for i, in := range batch {
		it, err := ib.prepare(in)
		if err != nil {
			ib.metrics.Messages.WithLabelValues("rejected").Add(float64(len(batch)))
			ib.metrics.Calls.WithLabelValues("error").Observe(time.Since(start).Seconds())
			noteIngest(ctx, batch, 0, err)
			return 0, err
		}
		r.items[i] = it
	}
	ib.submit(r)
	select {
	case err := <-r.done:
		result := "ok"
		if err != nil {
			result = "error"
		}
		ib.metrics.Calls.WithLabelValues(result).Observe(time.Since(start).Seconds())
		noteIngest(ctx, batch, r.stats.inserted, err)
		return r.stats.inserted, err
	case <-ctx.Done():
		// The commit may still happen; a retry is deduplicated.
		noteIngest(ctx, batch, 0, ctx.Err())
		return 0, ctx.Err()
	}
}

// submit queues r and starts a committer when fewer than Committers run.
func (ib *Inbox) submit(r *request) {
	ib.mu.Lock()
	ib.pending = append(ib.pending, r)
	start := ib.running < ib.cfg.Committers
	if start {
		ib.running++
	}
	ib.mu.Unlock()
	if start {
		go ib.drain()
	}
}

// drain commits pending requests in groups until none is left. Requests
// that arrive while a group commits form the next group. Concurrent
// committers are safe: transactions lock the contacts they touch, and one
// that loses a race on a new identity or message retries.
func (ib *Inbox) drain() {
	for {
		ib.mu.Lock()
		n, size := 0, 0
		for n < len(ib.pending) && (n == 0 || size+len(ib.pending[n].items) <= ib.cfg.MaxGroup) {
			size += len(ib.pending[n].items)
			n++
		}
		group := append([]*request(nil), ib.pending[:n]...)
		ib.pending = ib.pending[n:]
		if n == 0 {
			ib.running--
			ib.pending = nil
			ib.mu.Unlock()
			return
		}
		ib.mu.Unlock()
		ib.commitGroup(group)
	}
}

// commitGroup commits a group in one transaction. When that fails and the
// group holds several requests, each is retried alone so one caller's
// problem (a channel that does not exist) fails only that caller; a
// database that cannot be reached fails them all, as commit has retried
// already.
func (ib *Inbox) commitGroup(group []*request) {
	err := ib.commit(context.Background(), group)
	if err != nil && len(group) > 1 && !db.IsTransient(err) {
		for _, r := range group {
			r.stats = stats{}
			ib.finish(r, ib.commit(context.Background(), []*request{r}))
		}
		return
	}
	for _, r := range group {
		ib.finish(r, err)
	}
}

func (ib *Inbox) finish(r *request, err error) {
	if err == nil {
		ib.metrics.Messages.WithLabelValues("inserted").Add(float64(r.stats.inserted))
		ib.metrics.Messages.WithLabelValues("duplicate").Add(float64(r.stats.duplicate))
	}
	r.done <- err
}
