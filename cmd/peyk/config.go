package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/peykhq/peyk/db"
)

// config is every setting, parsed once here and passed down as values.
type config struct {
	DatabaseURL string
	RedisURL    string
	HTTPAddr    string
	SecretKey   string
	LogLevel    string
	// CookieSecure marks the session cookie Secure on plain HTTP too, for
	// a server behind a TLS-terminating proxy.
	CookieSecure bool
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// PublicURL is where browsers and providers reach Peyk
	// (https://peyk.example), for the webhook URLs the settings show.
	PublicURL string
	// TeamVisibility is the team_visibility setting used until an admin
	// stores one in the database (PEYK_TEAM_VISIBILITY).
	TeamVisibility bool
}

// newFlags returns a flag set for a command whose flags default to the
// PEYK_* environment, and the config they fill.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *config) {
	fs := flag.NewFlagSet("peyk "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{}
	fs.StringVar(&c.DatabaseURL, "database-url", env("PEYK_DATABASE_URL", db.DefaultURL), "PostgreSQL URL (PEYK_DATABASE_URL); the database is created if missing")
	fs.StringVar(&c.RedisURL, "redis-url", env("PEYK_REDIS_URL", "redis://127.0.0.1:6379/0"), "Redis URL (PEYK_REDIS_URL)")
	fs.StringVar(&c.HTTPAddr, "http-addr", env("PEYK_HTTP_ADDR", "127.0.0.1:8080"), "HTTP listen address (PEYK_HTTP_ADDR)")
	fs.StringVar(&c.SecretKey, "secret-key", env("PEYK_SECRET_KEY", ""), "key that encrypts channel secrets at rest (PEYK_SECRET_KEY)")
	fs.StringVar(&c.LogLevel, "log-level", env("PEYK_LOG_LEVEL", "info"), "debug, info, warn or error (PEYK_LOG_LEVEL)")
	fs.BoolVar(&c.CookieSecure, "cookie-secure", envBool("PEYK_COOKIE_SECURE"), "send the session cookie only over HTTPS, for a server behind a TLS proxy (PEYK_COOKIE_SECURE); always on over TLS")
	fs.StringVar(&c.PublicURL, "public-url", env("PEYK_PUBLIC_URL", ""), "the URL providers and browsers reach Peyk at, for the webhook URLs shown (PEYK_PUBLIC_URL); empty: the host the browser used")
	fs.StringVar(&c.MetricsToken, "metrics-token", env("PEYK_METRICS_TOKEN", ""), "require Authorization: Bearer <token> on /metrics (PEYK_METRICS_TOKEN); empty leaves /metrics open")
	fs.BoolVar(&c.TeamVisibility, "team-visibility", envBool("PEYK_TEAM_VISIBILITY"), "agents see only their teams' conversations and those of no team, until an admin sets team_visibility (PEYK_TEAM_VISIBILITY)")
	return fs, c
}

// parse parses args and rejects stray positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return errUsage
	}
	return nil
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// envBool reports whether the environment variable key is set to anything
// but a false value (0, false, no, off): a mistyped value errs on the safe
// side.
func envBool(key string) bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(key))) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

// buildVersion is set at link time: -ldflags "-X main.buildVersion=v1.2.3".
var buildVersion = ""

func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}
