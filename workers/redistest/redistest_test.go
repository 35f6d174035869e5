package redistest_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/peykhq/peyk/workers/redistest"
)

func TestDatabasesAreSeparate(t *testing.T) {
	a, b := redistest.New(t), redistest.New(t)
	if a.DB == b.DB || a.DB == 0 || b.DB == 0 {
		t.Fatalf("databases %d and %d", a.DB, b.DB)
	}
	ctx := context.Background()
	ca, cb := redis.NewClient(a), redis.NewClient(b)
	defer ca.Close()
	defer cb.Close()
	if err := ca.Set(ctx, "k", "a", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, _ := cb.Exists(ctx, "k").Result(); n != 0 {
		t.Fatal("a key of database a is visible in database b")
	}
}
