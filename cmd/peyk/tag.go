package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/peykhq/peyk/crm/tags"
)

const tagUsage = `usage: peyk tag list [--json]
       peyk tag rename FROM TO
       peyk tag merge FROM INTO
       peyk tag delete NAME
       peyk tag color NAME COLOUR   (` + "gray, red, orange, yellow, green, teal, blue, purple, pink" + `)`

// tagCmd manages tags with the functions the settings page and the API
// call (package crm/tags).
func tagCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, tagUsage)
		return errUsage
	}
	verb := args[0]
	want := map[string]int{"list": 0, "rename": 2, "merge": 2, "delete": 1, "color": 2, "colour": 2}
	n, ok := want[verb]
	if !ok {
		fmt.Fprintf(stderr, "peyk tag: unknown command %q\n%s\n", verb, tagUsage)
		return errUsage
	}
	fs, cfg := newFlags("tag "+verb, stderr)
	asJSON := fs.Bool("json", false, "list: print JSON")
	rest := args[1:]
	// Positional arguments come first: peyk tag rename vip gold --json.
	var pos []string
	for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") && len(pos) < n {
		pos, rest = append(pos, rest[0]), rest[1:]
	}
	if err := parse(fs, rest); err != nil {
		return err
	}
	if len(pos) != n {
		fmt.Fprintln(stderr, tagUsage)
		return errUsage
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	s := tags.NewStore(a.pool)
	switch verb {
	case "list":
		list, err := s.List(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(stdout, map[string]any{"tags": list})
		}
		for _, t := range list {
			fmt.Fprintf(stdout, "%s\t%s\t%d contacts\t%d conversations\n", t.Name, t.Colour, t.Contacts, t.Conversations)
		}
		return nil
	case "rename":
		err = s.Rename(ctx, 0, pos[0], pos[1])
	case "merge":
		err = s.Merge(ctx, 0, pos[0], pos[1])
	case "delete":
		err = s.Delete(ctx, 0, pos[0])
	default:
		err = s.SetColour(ctx, 0, pos[0], pos[1])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tag %s: done\n", verb)
	return nil
}
