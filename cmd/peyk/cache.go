package main

import (
	"sync"
	"time"

	"github.com/peykhq/peyk/inbox"
)

// cache keeps one built value (a Telegram bot) per channel until the
// channel changes.
type cache[T any] struct {
	mu sync.Mutex
	m  map[int64]cached[T]
}

type cached[T any] struct {
	stamp time.Time
	v     T
}

func newCache[T any]() *cache[T] { return &cache[T]{m: make(map[int64]cached[T])} }

// get returns the value built for ch, building it anew when ch changed.
func (c *cache[T]) get(ch inbox.Channel, build func() (T, error)) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[ch.ID]; ok && e.stamp.Equal(ch.UpdatedAt) {
		return e.v, nil
	}
	v, err := build()
	if err != nil {
		return v, err
	}
	c.m[ch.ID] = cached[T]{stamp: ch.UpdatedAt, v: v}
	return v, nil
}
