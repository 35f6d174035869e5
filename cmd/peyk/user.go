package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/web/auth"
)

func userCreateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("user create", stderr)
	var nu auth.NewUser
	var ifMissing bool
	fs.StringVar(&nu.Email, "email", "", "the user's e-mail address, used to log in (required)")
	fs.StringVar(&nu.Name, "name", "", "display name")
	fs.StringVar(&nu.Role, "role", auth.RoleAgent, "admin or agent")
	fs.StringVar(&nu.Password, "password", "", "password; read from PEYK_PASSWORD or standard input when empty")
	fs.StringVar(&nu.Locale, "locale", "fa", "fa or en")
	fs.BoolVar(&ifMissing, "if-missing", false, "do nothing when the user exists")
	if err := parse(fs, args); err != nil {
		return err
	}
	if nu.Email == "" {
		fmt.Fprintln(stderr, "peyk user create: --email is required")
		return errUsage
	}
	if nu.Password == "" {
		nu.Password = os.Getenv("PEYK_PASSWORD")
	}
	if nu.Password == "" {
		fmt.Fprint(stderr, "password: ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("user create: no password given (use --password, PEYK_PASSWORD or standard input)")
		}
		nu.Password = strings.TrimRight(line, "\r\n")
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	u, err := auth.NewStore(pool, 0).CreateUser(ctx, nu)
	if ifMissing && errors.Is(err, crm.ErrConflict) {
		fmt.Fprintf(stdout, "user %s exists; left as it is\n", strings.ToLower(nu.Email))
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	return nil
}

func tokenCreateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("token create", stderr)
	email := fs.String("email", "", "the user the token acts as (required)")
	name := fs.String("name", "cli", "a label for the token")
	expiresFlag := fs.String("expires", "", "when the token stops working: a day (2026-03-20, 1404/12/29) or a duration (720h); default never")
	if err := parse(fs, args); err != nil {
		return err
	}
	var expires time.Time
	if *expiresFlag != "" {
		var err error
		if expires, err = parseExpiry(*expiresFlag); err != nil {
			return err
		}
	}
	if *email == "" {
		fmt.Fprintln(stderr, "peyk token create: --email is required")
		return errUsage
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	st := auth.NewStore(pool, 0)
	u, err := st.UserByEmail(ctx, *email)
	if err != nil {
		return err
	}
	token, _, err := st.IssueToken(ctx, 0, u.ID, *name, expires)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "API token for %s (shown once; send it as \"Authorization: Bearer <token>\"):\n", u.Email)
	fmt.Fprintln(stdout, token)
	return nil
}
