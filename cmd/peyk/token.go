package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/web"
)

// tokenCmd manages API tokens: create (tokenCreateCmd), list and revoke,
// each the auth.Store function the people page and the API call.
func tokenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "usage: peyk token create --email E [--name N] [--expires DAY] | list [--email E] [--json] | revoke ID"
	if len(args) == 0 {
		fmt.Fprintln(stderr, use)
		return errUsage
	}
	switch args[0] {
	case "create":
		return tokenCreateCmd(ctx, args[1:], stdout, stderr)
	case "list":
		return tokenListCmd(ctx, args[1:], stdout, stderr)
	case "revoke":
		return tokenRevokeCmd(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintln(stderr, use)
	return errUsage
}

func tokenListCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("token list", stderr)
	email := fs.String("email", "", "only this user's tokens (default everyone's)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, done, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	var owner int64
	if *email != "" {
		u, err := st.UserByEmail(ctx, *email)
		if err != nil {
			return err
		}
		owner = u.ID
	}
	ts, err := st.Tokens(ctx, owner)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"tokens": ts})
	}
	at := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format(time.RFC3339)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSER\tNAME\tCREATED\tLAST USED\tEXPIRES\tREVOKED")
	for _, t := range ts {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.UserEmail, t.Name, t.CreatedAt.Format(time.RFC3339),
			at(t.LastUsedAt), at(t.ExpiresAt), at(t.RevokedAt))
	}
	return tw.Flush()
}

func tokenRevokeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("token revoke", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: peyk token revoke ID")
		return errUsage
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil {
		fmt.Fprintf(stderr, "peyk token revoke: %q is not a token id\n", fs.Arg(0))
		return errUsage
	}
	st, done, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	t, err := st.RevokeToken(ctx, 0, 0, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked token %d (%s) of %s\n", t.ID, t.Name, t.UserEmail)
	return nil
}

// parseExpiry reads --expires: a day (2026-03-20 or Jalali 1404/12/29,
// in Tehran's time; the token is valid through it) or a duration (720h).
func parseExpiry(s string) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(d), nil
	}
	day, err := web.ParseDay(s, templates.Tehran())
	if err != nil {
		return time.Time{}, err
	}
	return day.AddDate(0, 0, 1), nil
}
