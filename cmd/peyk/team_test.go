package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// TestTeamAndSLACommands drives peyk team and peyk sla through a team's
// and a policy's life, against the functions the pages and the API use.
func TestTeamAndSLACommands(t *testing.T) {
	ctx := context.Background()
	url := freshDatabase(t)
	dbFlag := "--database-url=" + url
	if _, errOut, err := runCmd(t, ctx, "migrate", dbFlag); err != nil {
		t.Fatalf("migrate: %v %s", err, errOut)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `INSERT INTO users (email, name, role, available) VALUES ('reza@peyk.ir', 'Reza', 'agent', false);
		INSERT INTO channels (kind, name) VALUES ('sms', 'SMS line')`); err != nil {
		t.Fatal(err)
	}
	steps := []cmdStep{
		{"create", []string{"team", "create", dbFlag, "Support"}, nil, "created team 1 Support"},
		{"create again", []string{"team", "create", dbFlag, "Support"}, errAny, ""},
		{"rename", []string{"team", "rename", dbFlag, "1", "Care"}, nil, ""},
		{"add by e-mail", []string{"team", "add-member", dbFlag, "1", "reza@peyk.ir"}, nil, ""},
		{"route", []string{"team", "route", dbFlag, "1", "1"}, nil, ""},
		{"list", []string{"team", "list", dbFlag}, nil, "reza@peyk.ir (away)"},
		{"list json", []string{"team", "list", dbFlag, "--json"}, nil, `"channels":[{"id":1,"name":"SMS line","kind":"sms"}]`},
		{"policy", []string{"sla", "create", dbFlag, "--name", "Care", "--team", "1", "--first", "30"}, nil, "saved SLA policy 1"},
		{"bad target", []string{"sla", "create", dbFlag, "--first", "-3"}, errAny, ""},
		{"update", []string{"sla", "update", "1", dbFlag, "--next", "45", "--config", `{"reassign": false}`}, nil, "saved SLA policy 1"},
		{"list policies", []string{"sla", "list", dbFlag}, nil, "team 1"},
		{"policy json", []string{"sla", "list", dbFlag, "--json"}, nil, `"reassign":false,"first_response_minutes":30,"next_response_minutes":45`},
		{"holidays", []string{"sla", "holidays", "1405"}, nil, "2026-06-25  عاشورای حسینی — Ashura"},
		{"check", []string{"sla", "check", dbFlag}, nil, "0 breaches handled"},
		{"delete policy", []string{"sla", "delete", "1", dbFlag}, nil, ""},
		{"delete team", []string{"team", "delete", dbFlag, "1"}, nil, "0 conversations no longer have a team"},
		{"no subcommand", []string{"team"}, errUsage, ""},
		{"missing name", []string{"team", "create", dbFlag}, errUsage, ""},
	}
	runSteps(t, ctx, steps)
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action LIKE 'team.%' OR action LIKE 'sla.%'`).Scan(&n); err != nil || n != 8 {
		t.Fatalf("audit events = %d, %v; want 8", n, err)
	}
}
