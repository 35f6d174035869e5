package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestUserTokenAuditCommands runs the people commands against a fresh
// database: the same functions as the people page and the API, audited
// as the system.
func TestUserTokenAuditCommands(t *testing.T) {
	dbFlag := "--database-url=" + freshDatabase(t)
	ctx := context.Background()
	if _, errOut, err := runCmd(t, ctx, "migrate", dbFlag); err != nil {
		t.Fatal(err, errOut)
	}
	if _, errOut, err := runCmd(t, ctx, "user", "create", dbFlag, "--email=admin@peyk.local", "--role=admin", "--password=long enough"); err != nil {
		t.Fatal(err, errOut)
	}
	if _, errOut, err := runCmd(t, ctx, "user", "create", dbFlag, "--email=ali@peyk.local", "--name=Ali", "--password=long enough"); err != nil {
		t.Fatal(err, errOut)
	}
	runSteps(t, ctx, []cmdStep{
		{"list", []string{"user", "list", dbFlag}, nil, "ali@peyk.local"},
		{"list json", []string{"user", "list", dbFlag, "--json"}, nil, `"available":true`},
		{"update", []string{"user", "update", dbFlag, "--email=ali@peyk.local", "--locale=en", "--role=admin"}, nil, "update ali@peyk.local: admin, en"},
		{"update back", []string{"user", "update", dbFlag, "--email=ali@peyk.local", "--role=agent"}, nil, "agent, en"},
		{"bad role", []string{"user", "update", dbFlag, "--email=ali@peyk.local", "--role=root"}, errAny, ""},
		{"nobody", []string{"user", "deactivate", dbFlag, "--email=nobody@peyk.local"}, errAny, ""},
		{"no email", []string{"user", "activate", dbFlag}, errUsage, ""},
		{"unknown verb", []string{"user", "frobnicate"}, errUsage, ""},
		{"token with expiry", []string{"token", "create", dbFlag, "--email=ali@peyk.local", "--name=deploy", "--expires=1500/01/01"}, nil, "peyk_"},
		{"token in the past", []string{"token", "create", dbFlag, "--email=ali@peyk.local", "--expires=2001-01-01"}, errAny, ""},
		{"token list", []string{"token", "list", dbFlag, "--email=ali@peyk.local"}, nil, "deploy"},
		{"deactivate", []string{"user", "deactivate", dbFlag, "--email=ali@peyk.local"}, nil, "active false"},
		{"tokens revoked", []string{"token", "list", dbFlag, "--json"}, nil, `"revoked_at":"20`},
		{"activate", []string{"user", "activate", dbFlag, "--email=ali@peyk.local"}, nil, "active true"},
		{"reset generates", []string{"user", "reset-password", dbFlag, "--email=ali@peyk.local"}, nil, "\n"},
		{"reset too short", []string{"user", "reset-password", dbFlag, "--email=ali@peyk.local", "--password=short"}, errAny, ""},
		{"revoke nothing", []string{"token", "revoke", dbFlag, "999"}, errAny, ""},
		{"revoke without id", []string{"token", "revoke", dbFlag}, errUsage, ""},
		{"audit", []string{"audit", dbFlag}, nil, "user.deactivate"},
		{"audit by action kind", []string{"audit", dbFlag, "--action=token.", "--json"}, nil, `"action":"token.create"`},
		{"audit by the system", []string{"audit", dbFlag, "--actor=system", "--from=1400/01/01"}, nil, "System"},
		{"audit by a user", []string{"audit", dbFlag, "--actor=admin@peyk.local"}, nil, "WHEN"},
		{"audit bad day", []string{"audit", dbFlag, "--from=someday"}, errAny, ""},
	})
	// The token revoke command, and the generated password signs in.
	out, _, err := runCmd(t, ctx, "token", "list", dbFlag, "--json")
	var list struct {
		Tokens []struct{ ID int64 } `json:"tokens"`
	}
	if err != nil || json.Unmarshal([]byte(out), &list) != nil || len(list.Tokens) == 0 {
		t.Fatalf("token list: %v %s", err, out)
	}
	if out, _, err := runCmd(t, ctx, "token", "revoke", dbFlag, itoa64(list.Tokens[0].ID)); err != nil || !strings.Contains(out, "revoked token") {
		t.Fatalf("revoke: %v %s", err, out)
	}
	out, _, err = runCmd(t, ctx, "user", "reset-password", dbFlag, "--email=ali@peyk.local")
	if err != nil || !regexp.MustCompile(`^[A-Za-z0-9]{16}\n`).MatchString(out) {
		t.Fatalf("a generated password first on its own line: %q %v", out, err)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
