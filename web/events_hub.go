package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/inbox"
)

// subscriberBuffer is how many events a slow browser may fall behind
// before it is cut off (it reconnects and reloads).
const subscriberBuffer = 64

// resyncEvent tells a browser that it may have missed events and should
// reload what it shows.
const resyncEvent = `{"type":"resync"}`

// Hub holds one PostgreSQL LISTEN connection on inbox.NotifyChannel per
// process and fans each notification out to the event streams of the
// browsers connected to this process. It reconnects when the connection
// fails and then tells every subscriber to resync.
type Hub struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	// Heartbeat is how often an idle event stream gets a comment line,
	// which keeps proxies from closing it. Set before use; default 25 s.
	Heartbeat time.Duration

	mu     sync.Mutex
	subs   map[*subscription]struct{}
	seq    uint64
	closed bool
}

// hubEvent is one event for the stream: its sequence number in this
// process and its JSON data.
type hubEvent struct {
	id   uint64
	data string
}

// subscription is one event stream's feed.
type subscription struct {
	hub    *Hub
	events chan hubEvent
	// lagged is set, before events is closed, when the subscriber fell
	// too far behind.
	lagged bool
}

// NewHub returns a Hub that listens through a connection taken from pool
// once Run starts.
func NewHub(pool *pgxpool.Pool, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Hub{pool: pool, log: log, Heartbeat: 25 * time.Second, subs: map[*subscription]struct{}{}}
}

// Run listens until ctx ends, reconnecting with backoff (up to 30 s) after
// failures, then ends every subscription. It returns when ctx ends.
func (h *Hub) Run(ctx context.Context) {
	defer h.close()
	backoff := 500 * time.Millisecond
	for first := true; ; first = false {
		err := h.listen(ctx, first)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errListened) {
			backoff = 500 * time.Millisecond
		}
		h.log.Warn("events: LISTEN connection lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// errListened marks a failure after LISTEN had succeeded.
var errListened = errors.New("after listening")

// listen takes a connection out of the pool, listens and publishes until
// the connection fails or ctx ends. After a reconnect (first false) it
// tells subscribers to resync, as notifications may have been missed.
func (h *Hub) listen(ctx context.Context, first bool) error {
	c, err := h.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	conn := c.Hijack() // a LISTENing connection never goes back to the pool
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{inbox.NotifyChannel}.Sanitize()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if !first {
		h.publish(resyncEvent)
		h.log.Info("events: listening again")
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("%w: %w", errListened, err)
		}
		h.publish(n.Payload)
	}
}

// publish sends data to every subscriber; one whose buffer is full is cut
// off, marked lagged.
func (h *Hub) publish(data string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	ev := hubEvent{id: h.seq, data: data}
	for sub := range h.subs {
		select {
		case sub.events <- ev:
		default:
			sub.lagged = true
			delete(h.subs, sub)
			close(sub.events)
		}
	}
}

// subscribe returns a new feed; after Run has ended its channel is closed
// at once.
func (h *Hub) subscribe() *subscription {
	sub := &subscription{hub: h, events: make(chan hubEvent, subscriberBuffer)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(sub.events)
	} else {
		h.subs[sub] = struct{}{}
	}
	return sub
}

// cancel ends the feed (when its stream ends).
func (sub *subscription) cancel() {
	h := sub.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[sub]; ok {
		delete(h.subs, sub)
		close(sub.events)
	}
}

// close ends every feed.
func (h *Hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for sub := range h.subs {
		delete(h.subs, sub)
		close(sub.events)
	}
}
