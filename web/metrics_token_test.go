package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

func TestMetricsToken(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	inbox.NewMetrics(reg).Messages.WithLabelValues("inserted").Add(2)
	const metric = `peyk_ingest_messages_total{result="inserted"} 2`
	cases := []struct {
		name   string
		token  string // the server's MetricsToken
		auth   string // the request's Authorization header
		status int
		body   string
	}{
		{"no token configured, no header", "", "", 200, metric},
		{"no token configured, any header", "", "Bearer whatever", 200, metric},
		{"token, no header", "s3cret-token", "", 401, `"unauthorized"`},
		{"token, wrong token", "s3cret-token", "Bearer s3cret-tokem", 401, `"unauthorized"`},
		{"token, prefix of it", "s3cret-token", "Bearer s3cret", 401, `"unauthorized"`},
		{"token, not bearer", "s3cret-token", "Basic s3cret-token", 401, `"unauthorized"`},
		{"token, right one", "s3cret-token", "Bearer s3cret-token", 200, metric},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(web.New(web.Deps{Version: "test", Gatherer: reg, MetricsToken: tc.token}).Handler())
			defer srv.Close()
			req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.body) {
				t.Fatalf("%d %s; want %d with %s", resp.StatusCode, b, tc.status, tc.body)
			}
			if tc.status == 401 && (strings.Contains(string(b), "peyk_") || resp.Header.Get("WWW-Authenticate") == "") {
				t.Errorf("401 leaks metrics or lacks WWW-Authenticate: %v %s", resp.Header, b)
			}
			// /healthz stays open whatever the token.
			h, err := http.Get(srv.URL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			h.Body.Close()
			if h.StatusCode != 200 {
				t.Errorf("healthz %d", h.StatusCode)
			}
		})
	}
}
