package main

import (
	"io"
	"testing"
)

func TestConfigMetricsTokenAndTeamVisibility(t *testing.T) {
	for _, c := range []struct {
		name, tokenEnv, visEnv string
		args                   []string
		token                  string
		vis                    bool
	}{
		{"unset", "", "", nil, "", false},
		{"environment", "s3cret", "on", nil, "s3cret", true},
		{"flags win", "s3cret", "on", []string{"--metrics-token=other", "--team-visibility=false"}, "other", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("PEYK_METRICS_TOKEN", c.tokenEnv)
			t.Setenv("PEYK_TEAM_VISIBILITY", c.visEnv)
			fs, cfg := newFlags("serve", io.Discard)
			if err := parse(fs, c.args); err != nil {
				t.Fatal(err)
			}
			if cfg.MetricsToken != c.token || cfg.TeamVisibility != c.vis {
				t.Errorf("metrics token %q, team visibility %v; want %q, %v", cfg.MetricsToken, cfg.TeamVisibility, c.token, c.vis)
			}
		})
	}
}
