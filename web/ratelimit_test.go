package web

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	l := newLimiter(3, 15*time.Minute, func() time.Time { return now })
	steps := []struct {
		name    string
		advance time.Duration
		do      func()
		key     string
		want    time.Duration
	}{
		{"fresh key", 0, nil, "a", 0},
		{"one failure", 0, func() { l.fail("a") }, "a", 0},
		{"two", time.Minute, func() { l.fail("a") }, "a", 0},
		{"three: limited until the first leaves", time.Minute, func() { l.fail("a") }, "a", 13 * time.Minute},
		{"other keys unaffected", 0, nil, "b", 0},
		{"still limited", 12 * time.Minute, nil, "a", time.Minute},
		{"the first left the window", time.Minute, nil, "a", 0},
		{"one more failure limits again", 0, func() { l.fail("a") }, "a", time.Minute},
		{"reset", 0, func() { l.reset("a") }, "a", 0},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		if s.do != nil {
			s.do()
		}
		if got := l.wait(s.key); got != s.want {
			t.Fatalf("%s: wait = %v, want %v", s.name, got, s.want)
		}
	}
}

func TestLimiterForgetsOldKeys(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	l := newLimiter(5, time.Minute, func() time.Time { return now })
	for i := 0; i < 1000; i++ {
		l.fail("k" + strconv.Itoa(i))
		l.fail("k" + strconv.Itoa(i))
	}
	for i := 0; i < 100; i++ {
		l.fail("busy") // keeps at most max times
	}
	if n := len(l.fails["busy"]); n != 5 {
		t.Fatalf("busy key keeps %d times", n)
	}
	now = now.Add(2 * time.Minute)
	l.fail("late") // sweeps
	if n := len(l.fails); n != 1 {
		t.Fatalf("%d keys kept after the window, want 1", n)
	}
}

// TestLimiterTakeConcurrent: attempts that arrive together are counted as
// they are let through, so no more than max pass before any has failed.
func TestLimiterTakeConcurrent(t *testing.T) {
	t.Parallel()
	l := newLimiter(5, 15*time.Minute, nil)
	var passed atomic.Int32
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.take("burst") == 0 {
				passed.Add(1)
			}
		}()
	}
	wg.Wait()
	if got := passed.Load(); got != 5 {
		t.Fatalf("%d of 100 simultaneous attempts passed, want 5", got)
	}
	l.forgive("burst") // one of them succeeded
	if l.take("burst") != 0 {
		t.Fatal("a forgiven attempt's place is not free again")
	}
	if l.take("burst") == 0 {
		t.Fatal("passed the limit after a forgiven attempt was used")
	}
}
