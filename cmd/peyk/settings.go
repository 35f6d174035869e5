package main

import (
	"context"
	"fmt"
	"io"

	"github.com/peykhq/peyk/inbox"
)

// settingsCmd lists the workspace settings or sets one: the same domain
// functions (inbox.Settings, inbox.SetSetting) the API calls.
func settingsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "usage: peyk settings list | set KEY VALUE (team_visibility on|off)"
	if len(args) == 0 {
		fmt.Fprintln(stderr, use)
		return errUsage
	}
	fs, cfg := newFlags("settings "+args[0], stderr)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	rest := fs.Args()
	switch {
	case args[0] == "list" && len(rest) == 0:
	case args[0] == "set" && len(rest) == 2:
	default:
		fmt.Fprintln(stderr, use)
		return errUsage
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	if args[0] == "set" {
		s, err := a.ib.SetSetting(ctx, 0, rest[0], rest[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s = %s\n", s.Key, s.Value)
		return nil
	}
	ss, err := a.ib.Settings(ctx)
	if err != nil {
		return err
	}
	for _, s := range ss {
		fmt.Fprintf(stdout, "%s = %s (%s)\n", s.Key, s.Value, source(s))
	}
	return nil
}

// source says where a setting's value comes from.
func source(s inbox.Setting) string {
	if s.Stored {
		return "set in the database"
	}
	return "default from the environment or flags"
}
