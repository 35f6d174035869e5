package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/db/dbtest"
)

func TestWithDatabase(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"postgres://u@h:5432/peyk?sslmode=disable", "postgres://u@h:5432/other?sslmode=disable", true},
		{"postgresql://h/peyk", "postgresql://h/other", true},
		{"postgres://h", "postgres://h/other", true},
		{"mysql://h/peyk", "", false},
		{"host=h dbname=peyk", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := db.WithDatabase(tc.in, "other")
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestOpenCreatesAndMigrates opens a database that does not exist from
// several goroutines at once, migrates from all of them, and migrates again.
func TestOpenCreatesAndMigrates(t *testing.T) {
	name := fmt.Sprintf("peyk_dbtest_%d", time.Now().UnixNano())
	url, err := db.WithDatabase(dbtest.URL(t), name)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t.Cleanup(func() {
		admin, _ := db.WithDatabase(url, "postgres")
		if conn, err := pgx.Connect(ctx, admin); err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	})
	var wg sync.WaitGroup
	applied := make([]int, 4)
	errs := make([]error, 4)
	for i := range applied {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pool, err := db.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer pool.Close()
			applied[i], errs[i] = db.Migrate(ctx, pool)
		}()
	}
	wg.Wait()
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("goroutine %d: %v", i, err)
		}
		total += applied[i]
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var versions int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if total != versions {
		t.Fatalf("migrations applied %d times in all, %d versions exist", total, versions)
	}
	if n, err := db.Migrate(ctx, pool); err != nil || n != 0 {
		t.Fatalf("second migrate: %d applied, %v", n, err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := db.Open(ctx, "postgres://postgres@127.0.0.1:1/peyk?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("no error for a server that does not listen")
	}
	if _, err := db.Open(ctx, "::not a url::"); err == nil {
		t.Fatal("no error for a bad url")
	}
}
