package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/peykhq/peyk/templates/canned"
)

const cannedUsage = `usage: peyk canned list [--locale fa|en] [--json]
       peyk canned create --title T [--fa TEXT] [--en TEXT] [--shortcut S] [--json]
       peyk canned update ID [--title T] [--fa TEXT] [--en TEXT] [--shortcut S] [--json]
       peyk canned delete ID`

// cannedCmd manages canned responses with the functions the settings
// page and the API call (package templates/canned).
func cannedCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, cannedUsage)
		return errUsage
	}
	verb, rest := args[0], args[1:]
	var id int64
	if verb == "update" || verb == "delete" {
		if len(rest) == 0 {
			fmt.Fprintln(stderr, cannedUsage)
			return errUsage
		}
		n, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			fmt.Fprintf(stderr, "peyk canned %s: %q is not an id\n", verb, rest[0])
			return errUsage
		}
		id, rest = n, rest[1:]
	}
	fs, cfg := newFlags("canned "+verb, stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	locale := fs.String("locale", "", "list: the language to show each text in (fa or en)")
	title := fs.String("title", "", "the title agents see")
	fa := fs.String("fa", "", "the text in Persian")
	en := fs.String("en", "", "the text in English")
	shortcut := fs.String("shortcut", "", "an optional shortcut: a-z 0-9 _ -")
	switch verb {
	case "list", "create", "update", "delete":
	default:
		fmt.Fprintf(stderr, "peyk canned: unknown command %q\n%s\n", verb, cannedUsage)
		return errUsage
	}
	if err := parse(fs, rest); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	s := canned.NewStore(a.pool)
	switch verb {
	case "list":
		offers, err := s.For(ctx, *locale, *locale)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(stdout, map[string]any{"canned": offers})
		}
		for _, o := range offers {
			sc := ""
			if o.Shortcut != "" {
				sc = " /" + o.Shortcut
			}
			fmt.Fprintf(stdout, "%d\t%s%s\t[%s] %s\n", o.ID, o.Title, sc, o.Locale, firstLine(o.Text))
		}
		return nil
	case "delete":
		if err := s.Delete(ctx, 0, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "deleted canned response %d\n", id)
		return nil
	}
	r := canned.Response{Title: *title, BodyFa: *fa, BodyEn: *en, Shortcut: *shortcut}
	if verb == "update" {
		if r, err = s.Get(ctx, id); err != nil {
			return err
		}
		fs.Visit(func(f *flag.Flag) {
			v := f.Value.String()
			switch f.Name {
			case "title":
				r.Title = v
			case "fa":
				r.BodyFa = v
			case "en":
				r.BodyEn = v
			case "shortcut":
				r.Shortcut = v
			}
		})
		r, err = s.Update(ctx, 0, r)
	} else {
		r, err = s.Create(ctx, 0, r)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, r)
	}
	fmt.Fprintf(stdout, "canned response %d: %s\n", r.ID, r.Title)
	return nil
}

// firstLine is s up to its first line break.
func firstLine(s string) string {
	line, _, more := strings.Cut(s, "\n")
	if more {
		line += " …"
	}
	return line
}

// printJSON prints v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
