package main

import (
	"context"
	"fmt"
	"io"

	"github.com/peykhq/peyk/db"
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
	return nil
}
