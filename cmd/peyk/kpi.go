package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/inbox/kpi"
)

// kpiCmd runs `peyk kpi rebuild`: every KPI table recomputed from the
// facts (messages and audit events), as the rollup worker would have
// built them; the reports give the same numbers before and after.
func kpiCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rebuild" {
		fmt.Fprintln(stderr, "usage: peyk kpi rebuild [flags]")
		return errUsage
	}
	fs, cfg := newFlags("kpi rebuild", stderr)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := db.Migrate(ctx, pool); err != nil {
		return err
	}
	start := time.Now()
	r, err := kpi.NewRoller(pool).Rebuild(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "kpi: rebuilt the KPI tables of %d conversation(s) in %s\n", r.Conversations,
		time.Since(start).Round(time.Millisecond))
	return nil
}
