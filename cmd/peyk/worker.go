package main

import (
	"context"
	"fmt"
	"io"
)

// workerCmd runs the background workers alone, to scale them out; serve
// runs them too unless told not to.
func workerCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("worker", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	srv, err := a.startWorkers()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "peyk: workers running; Ctrl-C stops them (running tasks finish or go back to their queue)")
	<-ctx.Done()
	srv.Shutdown()
	return nil
}
