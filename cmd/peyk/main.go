// Command peyk is Peyk's one binary: it migrates the database, serves the
// inbox and manages users and tokens.
//
//	peyk migrate               apply the database migrations
//	peyk serve                 serve HTTP and run the background workers
//	peyk demo                  serve a demo workspace with simulated customers
//	peyk worker                run the background workers alone
//	peyk channel add|list|test|update|disable|enable|delete  manage channels
//	peyk import-calls …        import a PBX call log
//	peyk kpi rebuild           recompute the KPI tables from the facts
//	peyk settings list|set     show or change workspace settings
//	peyk user create|list|update|deactivate|activate|reset-password  manage users
//	peyk token create|list|revoke  manage API tokens
//	peyk audit …               print the audit log
//	peyk canned list|create|update|delete        manage canned responses
//	peyk tag list|rename|merge|delete|color      manage tags
//	peyk team list|create|…     manage teams, their members and routing
//	peyk sla list|create|…      manage SLA policies; the official holidays
//	peyk version               print the version
//
// Configuration comes from PEYK_* environment variables, overridden by
// flags; every setting has a local default.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// errUsage marks a command line that could not be understood; main exits
// with status 2 for it.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "peyk:", err)
		os.Exit(1)
	}
}

const usage = `usage: peyk <command> [flags]

commands:
  migrate        apply the database migrations
  serve          serve HTTP (/healthz, /readyz, /metrics) and run the workers
  demo           serve a demo workspace: stand-in servers and simulated customers on every channel
  worker         run the background workers alone (delivery, reminders)
  channel        add KIND --name N --config JSON | list | test ID | update ID [--name N] [--config JSON]
                 | disable ID | enable ID | delete ID [--force]
  import-calls   import a call log: --channel ID FILE (Asterisk Master.csv or generic CSV)
  kpi rebuild    recompute every KPI table from the messages and audit events
  settings       list | set KEY VALUE: workspace settings (team_visibility on|off)
  canned         list | create --title T [--fa T] [--en T] [--shortcut S] | update ID … | delete ID
  tag            list | rename FROM TO | merge FROM INTO | delete NAME | color NAME COLOUR
  team           list | create NAME | rename ID NAME | delete ID | add-member T U | remove-member T U | route CH T|none
  sla            list | create | update ID | delete ID | holidays [YEAR] | check: SLA policies
  user create    add a user (--email, --name, --role, --password)
  user           list [--json] | update|deactivate|activate|reset-password --email E: manage users
  token create   make an API token for a user (--email, --name, --expires)
  token          list [--email E] [--json] | revoke ID: manage API tokens
  audit          print the audit log [--json] [--actor, --action, --subject-type, --from, --to, --after]
  version        print the version

Every command takes -h for its flags. Settings come from PEYK_DATABASE_URL,
PEYK_REDIS_URL, PEYK_HTTP_ADDR, PEYK_SECRET_KEY and PEYK_LOG_LEVEL, or flags.
`

// run dispatches a command line; it is main without the process exits.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "migrate":
		return migrateCmd(ctx, rest, stdout, stderr)
	case "serve":
		return serveCmd(ctx, rest, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, stdout, stderr)
	case "worker":
		return workerCmd(ctx, rest, stdout, stderr)
	case "channel":
		return channelCmd(ctx, rest, stdout, stderr)
	case "import-calls":
		return importCallsCmd(ctx, rest, stdout, stderr)
	case "kpi":
		return kpiCmd(ctx, rest, stdout, stderr)
	case "settings":
		return settingsCmd(ctx, rest, stdout, stderr)
	case "user":
		return userCmd(ctx, rest, stdout, stderr)
	case "token":
		return tokenCmd(ctx, rest, stdout, stderr)
	case "audit":
		return auditCmd(ctx, rest, stdout, stderr)
	case "canned":
		return cannedCmd(ctx, rest, stdout, stderr)
	case "tag":
		return tagCmd(ctx, rest, stdout, stderr)
	case "team":
		return teamCmd(ctx, rest, stdout, stderr)
	case "sla":
		return slaCmd(ctx, rest, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "peyk", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "peyk: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}

// newLogger returns the process logger at the configured level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
