package main

import (
	"net/http"
	"sync"
	"time"
)

// hookTTL is how long a built webhook handler is used without looking at
// the database again: a change made by another process (the CLI, a second
// `peyk serve`) reaches this one within it. Changes made through this
// process's channelAdmin take effect at once.
const hookTTL = 15 * time.Second

// hookStale is how long past hookTTL a built webhook handler still serves
// while the database cannot be reached, so that a short outage does not
// fail every webhook before it reaches ingest (which retries and then
// answers 503).
const hookStale = time.Hour

// hookCache keeps the webhook handlers built for channels, keyed by
// channel and path part.
type hookCache struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[hookKey]hookEntry
}

type hookKey struct {
	id   int64
	part string
}

type hookEntry struct {
	h  http.Handler
	at time.Time
}

func newHookCache() *hookCache {
	return &hookCache{now: time.Now, m: make(map[hookKey]hookEntry)}
}

// get returns the handler cached for (id, part), if any, and reports
// whether it is younger than maxAge.
func (c *hookCache) get(id int64, part string, maxAge time.Duration) (http.Handler, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hookKey{id, part}]
	if !ok || c.now().Sub(e.at) >= maxAge {
		return nil, false
	}
	return e.h, true
}

func (c *hookCache) put(id int64, part string, h http.Handler) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[hookKey{id, part}] = hookEntry{h: h, at: c.now()}
}

// forget drops every handler of channel id (its settings changed, it was
// disabled or deleted).
func (c *hookCache) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.m {
		if k.id == id {
			delete(c.m, k)
		}
	}
}
