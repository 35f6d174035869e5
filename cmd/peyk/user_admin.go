package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/web/auth"
)

// userCmd manages users: create (userCreateCmd), list, update,
// deactivate, activate and reset-password, each the auth.Store function
// the people page and the API call, as the system (audited with no
// actor).
func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "usage: peyk user create|list|update|deactivate|activate|reset-password [flags] (-h for each)"
	if len(args) == 0 {
		fmt.Fprintln(stderr, use)
		return errUsage
	}
	verb, rest := args[0], args[1:]
	switch verb {
	case "create":
		return userCreateCmd(ctx, rest, stdout, stderr)
	case "list":
		return userListCmd(ctx, rest, stdout, stderr)
	case "update", "deactivate", "activate", "reset-password":
		return userChangeCmd(ctx, verb, rest, stdout, stderr)
	}
	fmt.Fprintln(stderr, use)
	return errUsage
}

// openStore opens the database, migrated, and an auth.Store on it.
func openStore(ctx context.Context, cfg *config) (*auth.Store, func(), error) {
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, nil, err
	}
	return auth.NewStore(pool, 0), pool.Close, nil
}

func userListCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("user list", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, done, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	ps, err := st.People(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"users": ps})
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tLOCALE\tACTIVE\tAVAILABLE\tLAST SEEN")
	for _, p := range ps {
		seen := "never"
		if p.LastSeenAt != nil {
			seen = p.LastSeenAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%v\t%v\t%s\n", p.ID, p.Email, p.Name, p.Role, p.Locale, p.Active, p.Available, seen)
	}
	return tw.Flush()
}

// userChangeCmd runs update, deactivate, activate or reset-password on
// the user --email names.
func userChangeCmd(ctx context.Context, verb string, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("user "+verb, stderr)
	email := fs.String("email", "", "the user's e-mail address (required)")
	var name, role, locale, password string
	if verb == "update" {
		fs.StringVar(&name, "name", "", "new display name")
		fs.StringVar(&role, "role", "", "new role: admin or agent")
		fs.StringVar(&locale, "locale", "", "new language: fa or en")
	}
	if verb == "reset-password" {
		fs.StringVar(&password, "password", "", "the new password; PEYK_PASSWORD when empty, else one is generated and printed once")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		fmt.Fprintf(stderr, "peyk user %s: --email is required\n", verb)
		return errUsage
	}
	st, done, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	u, err := st.UserByEmail(ctx, *email)
	if err != nil {
		return err
	}
	switch verb {
	case "update":
		var c auth.Change
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "name":
				c.Name = &name
			case "role":
				c.Role = &role
			case "locale":
				c.Locale = &locale
			}
		})
		u, err = st.UpdateUser(ctx, 0, u.ID, c)
	case "deactivate", "activate":
		u, err = st.SetActive(ctx, 0, u.ID, verb == "activate")
	case "reset-password":
		generated := false
		if password == "" {
			password = os.Getenv("PEYK_PASSWORD")
		}
		if password == "" {
			password, generated = auth.GeneratePassword(), true
		}
		if u, err = st.ResetPassword(ctx, 0, u.ID, password); err == nil && generated {
			fmt.Fprintf(stderr, "new password for %s (shown once):\n", u.Email)
			fmt.Fprintln(stdout, password)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s: %s, %s, active %v\n", verb, u.Email, u.Role, u.Locale, u.Active)
	return nil
}
