package main

import (
	"context"
	"fmt"
	"io"

	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/inbox"
)

func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("migrate", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := db.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrate: %d migration(s) applied; the schema is current\n", n)
	log := newLogger(stderr, cfg.LogLevel)
	ib := inbox.New(pool, inbox.Config{SecretKey: cfg.SecretKey, Logger: log}, nil)
	resealed, err := resealChannels(ctx, ib, knownKinds(), log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrate: %d channel(s) re-sealed (secrets moved out of their public settings)\n", resealed)
	return nil
}
