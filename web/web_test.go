package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

func TestHealthReadinessMetrics(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	reg := prometheus.NewRegistry()
	inbox.NewMetrics(reg).Messages.WithLabelValues("inserted").Add(3)
	down := errors.New("connection refused")

	cases := []struct {
		name   string
		checks []web.Check
		path   string
		status int
		body   string
	}{
		{"home", nil, "/", 200, "Peyk test is running"},
		{"healthz", nil, "/healthz", 200, `"status":"ok"`},
		{"ready", []web.Check{{Name: "postgres", Ping: pool.Ping}}, "/readyz", 200, `"status":"ready"`},
		{"redis down", []web.Check{{Name: "postgres", Ping: pool.Ping},
			{Name: "redis", Ping: func(context.Context) error { return down }}}, "/readyz", 503, `"redis":"unreachable"`},
		{"metrics", nil, "/metrics", 200, `peyk_ingest_messages_total{result="inserted"} 3`},
		{"unknown", nil, "/nope", 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(web.New(web.Deps{Version: "test", Gatherer: reg, Checks: tc.checks}).Handler())
			defer srv.Close()
			resp, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var sb strings.Builder
			if _, err := io.Copy(&sb, resp.Body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || !strings.Contains(sb.String(), tc.body) {
				t.Fatalf("%s: %d %q", tc.path, resp.StatusCode, sb.String())
			}
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				var v map[string]any
				if err := json.Unmarshal([]byte(sb.String()), &v); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
			}
		})
	}
}
