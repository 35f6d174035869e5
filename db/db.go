// Package db opens the PostgreSQL pool, creates the database when it is
// missing and applies the embedded schema migrations.
package db

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultURL is the database used when PEYK_DATABASE_URL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/peyk?sslmode=disable"

// DefaultMaxConns is the pool size unless the URL sets pool_max_conns:
// the workers run many tasks at once and each holds a connection briefly.
const DefaultMaxConns = 16

// DefaultConnectTimeout bounds each connection attempt unless the URL
// sets connect_timeout.
const DefaultConnectTimeout = 10 * time.Second

// Open connects to the database at dsn, creating the database first when
// the server does not have it yet, and returns a ready pool.
func Open(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("db: parse url: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		// Without one, a server that does not answer holds every request
		// for the operating system's TCP timeout (minutes).
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	return OpenConfig(ctx, cfg)
}

// OpenConfig is Open with a parsed pool configuration.
func OpenConfig(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	if err := EnsureDatabase(ctx, cfg.ConnConfig); err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("db: open pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: ping %s: %w", cfg.ConnConfig.Host, err)
	}
	return pool, nil
}

// EnsureDatabase creates the database named in cfg when it does not exist.
// It connects to the server's "postgres" database to do so; two processes
// racing to create it both succeed.
func EnsureDatabase(ctx context.Context, cfg *pgx.ConnConfig) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return fmt.Errorf("db: connect to %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	admin := cfg.Copy()
	admin.Database = "postgres"
	conn, err = pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return fmt.Errorf("db: connect to create database %q: %w", cfg.Database, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
	if errors.As(err, &pgErr) && (pgErr.Code == "42P04" || pgErr.Code == "23505") { // created concurrently
		return nil
	}
	if err != nil {
		return fmt.Errorf("db: create database %q: %w", cfg.Database, err)
	}
	return nil
}

// WithDatabase returns dsn with its database name replaced by name.
func WithDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("db: %q is not a postgres:// url", dsn)
	}
	u.Path = "/" + name
	return u.String(), nil
}
