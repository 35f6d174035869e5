package main

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSettingsCommand(t *testing.T) {
	dbFlag := "--database-url=" + freshDatabase(t)
	ctx := context.Background()
	steps := []struct {
		name string
		env  string // PEYK_TEAM_VISIBILITY
		args []string
		err  error
		out  string
	}{
		{"list the default", "", []string{"settings", "list", dbFlag}, nil, "team_visibility = off (default from the environment or flags)"},
		{"list the environment's", "on", []string{"settings", "list", dbFlag}, nil, "team_visibility = on (default from the environment or flags)"},
		{"flag", "", []string{"settings", "list", dbFlag, "--team-visibility"}, nil, "team_visibility = on (default"},
		{"set", "", []string{"settings", "set", dbFlag, "team_visibility", "on"}, nil, "team_visibility = on"},
		{"stored wins over the environment", "off", []string{"settings", "list", dbFlag}, nil, "team_visibility = on (set in the database)"},
		{"set off", "", []string{"settings", "set", dbFlag, "team_visibility", "off"}, nil, "team_visibility = off"},
		{"bad value", "", []string{"settings", "set", dbFlag, "team_visibility", "sometimes"}, errAny, ""},
		{"unknown key", "", []string{"settings", "set", dbFlag, "colour", "on"}, errAny, ""},
		{"no subcommand", "", []string{"settings"}, errUsage, ""},
		{"set without value", "", []string{"settings", "set", dbFlag, "team_visibility"}, errUsage, ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			t.Setenv("PEYK_TEAM_VISIBILITY", s.env)
			out, stderr, err := runCmd(t, ctx, s.args...)
			switch {
			case s.err == nil && err != nil:
				t.Fatalf("err = %v (%s)", err, stderr)
			case s.err == errUsage && !errors.Is(err, errUsage):
				t.Fatalf("err = %v, want usage error", err)
			case s.err == errAny && err == nil:
				t.Fatalf("no error; out %q", out)
			}
			if !strings.Contains(out, s.out) {
				t.Fatalf("out = %q, want %q", out, s.out)
			}
		})
	}
}
