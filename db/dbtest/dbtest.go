// Package dbtest gives each test a PostgreSQL schema of its own with the
// migrations applied, on a real server, so tests run in parallel.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/db"
)

// URL returns the test database: PEYK_TEST_DATABASE_URL, else the server of
// PEYK_DATABASE_URL (or db.DefaultURL) with the database peyk_test.
func URL(tb testing.TB) string {
	if u := os.Getenv("PEYK_TEST_DATABASE_URL"); u != "" {
		return u
	}
	base := os.Getenv("PEYK_DATABASE_URL")
	if base == "" {
		base = db.DefaultURL
	}
	u, err := db.WithDatabase(base, "peyk_test")
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// New returns a pool whose search_path is a fresh migrated schema. The
// schema is dropped when the test ends.
func New(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	return NewConfig(tb, nil)
}

// NewConfig is New with a hook to adjust the pool configuration (pool size,
// for example) before it connects.
func NewConfig(tb testing.TB, adjust func(*pgxpool.Config)) *pgxpool.Pool {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := pgxpool.ParseConfig(URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.EnsureDatabase(ctx, cfg.ConnConfig); err != nil {
		tb.Fatalf("dbtest: %v (is PostgreSQL running? make test starts it)", err)
	}
	schema := "t_" + randomHex(8)
	admin, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { Drop(tb, cfg.ConnConfig, schema) })

	cfg.ConnConfig.RuntimeParams["search_path"] = schema + ",public"
	if adjust != nil {
		adjust(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	if _, err := db.Migrate(ctx, pool); err != nil {
		tb.Fatal(err)
	}
	return pool
}

// Drop removes a test schema and everything in it.
func Drop(tb testing.TB, cfg *pgx.ConnConfig, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		tb.Logf("dbtest: drop %s: %v", schema, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
		tb.Logf("dbtest: drop %s: %v", schema, err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Count runs a query that returns one number (a count) and returns it,
// failing the test on error.
func Count(tb testing.TB, pool *pgxpool.Pool, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

// ReportLatencies sorts lat and reports its median and 99th percentile,
// in milliseconds, as the benchmark metrics "p50-ms" and "p99-ms" that
// every benchmark of the project uses.
func ReportLatencies(b *testing.B, lat []time.Duration) {
	b.Helper()
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
}
