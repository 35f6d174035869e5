package web

import (
	"sync"
	"time"
)

// limiter counts failures per key (an e-mail address, an IP address) over
// a sliding window and says how long a key that reached the limit must
// wait. It lives in memory: each process counts on its own, and a restart
// forgets. It keeps at most max times per key and drops keys whose window
// has passed, so memory stays proportional to the keys that failed within
// one window.
type limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	fails map[string][]time.Time
	swept time.Time
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	if now == nil {
		now = time.Now
	}
	return &limiter{max: max, window: window, now: now, fails: map[string][]time.Time{}}
}

// wait returns how long key must wait before its next try: zero while it
// has fewer than max failures in the window.
func (l *limiter) wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waitLocked(key, l.now())
}

func (l *limiter) waitLocked(key string, now time.Time) time.Duration {
	times := l.recent(key, now)
	if len(times) < l.max {
		return 0
	}
	// The oldest failure that keeps the key at the limit leaves the window
	// first.
	return times[len(times)-l.max].Add(l.window).Sub(now)
}

// fail records a failure of key.
func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failLocked(key, l.now())
}

func (l *limiter) failLocked(key string, now time.Time) {
	times := append(l.recent(key, now), now)
	if len(times) > l.max {
		times = times[len(times)-l.max:]
	}
	l.fails[key] = times
	if now.Sub(l.swept) > l.window {
		l.sweep(now)
	}
}

// take is wait and fail in one step: when key is under the limit it
// counts this attempt as a failure in advance and returns zero, so that
// attempts arriving together cannot all pass the check before any of them
// has failed; otherwise it returns the wait and counts nothing. An attempt
// that turns out well calls forgive (or reset).
func (l *limiter) take(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if wait := l.waitLocked(key, now); wait > 0 {
		return wait
	}
	l.failLocked(key, now)
	return 0
}

// forgive takes back one attempt that take counted for key.
func (l *limiter) forgive(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if times := l.fails[key]; len(times) > 1 {
		l.fails[key] = times[:len(times)-1]
	} else {
		delete(l.fails, key)
	}
}

// reset forgets key's failures.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

// recent returns key's failures within the window ending at now.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	times := l.fails[key]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= l.window {
		i++
	}
	if i == len(times) {
		delete(l.fails, key)
		return nil
	}
	return times[i:]
}

// sweep drops every key without a failure in the window.
func (l *limiter) sweep(now time.Time) {
	for k, times := range l.fails {
		if now.Sub(times[len(times)-1]) >= l.window {
			delete(l.fails, k)
		}
	}
	l.swept = now
}
