// Package redistest gives each test a Redis database of its own on a real
// Redis server, claimed across processes so test packages run in parallel.
package redistest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// URL returns the Redis server for tests: PEYK_REDIS_URL or the local
// default.
func URL() string {
	if u := os.Getenv("PEYK_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// New claims an empty Redis database (1 to 15) for the test and returns its
// options; it is flushed and released when the test ends.
func New(tb testing.TB) *redis.Options {
	tb.Helper()
	base, err := redis.ParseURL(URL())
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	ctl := redis.NewClient(base)
	tb.Cleanup(func() { ctl.Close() })
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		for n := 1; n < 16; n++ {
			key := fmt.Sprintf("peyk:test:db:%d", n)
			ok, err := ctl.SetNX(ctx, key, os.Getpid(), 10*time.Minute).Result()
			if err != nil {
				tb.Fatalf("redistest: %v (is Redis running? make test starts it)", err)
			}
			if !ok {
				continue
			}
			opt := *base
			opt.DB = n
			c := redis.NewClient(&opt)
			if err := c.FlushDB(ctx).Err(); err != nil {
				tb.Fatal(err)
			}
			c.Close()
			tb.Cleanup(func() {
				c := redis.NewClient(&opt)
				c.FlushDB(context.Background())
				c.Close()
				ctl.Del(context.Background(), key)
			})
			return &opt
		}
		time.Sleep(200 * time.Millisecond)
	}
	tb.Fatal("redistest: no free Redis database in 2 minutes")
	return nil
}
