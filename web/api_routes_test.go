package web_test

import (
	"bufio"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/peykhq/peyk/web/auth"
)

// TestAPIRouteTable walks every authenticated API route the server
// registers: without credentials and with a bad token each answers 401,
// an agent on an admin route gets 403, always in the one error shape; and
// every route is described in docs/openapi.yaml.
func TestAPIRouteTable(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	routes := e.srv.Routes()
	if len(routes) < 37 {
		t.Fatalf("only %d routes registered; is a dependency missing?", len(routes))
	}
	documented := openAPIOperations(t, "../docs/openapi.yaml")
	fill := strings.NewReplacer("{id}", "1", "{name}", "followup.nudge", "{locale}", "en", "{kind}", "text")
	for _, rt := range routes {
		method, pattern, _ := strings.Cut(rt.Pattern, " ")
		path := fill.Replace(pattern)
		t.Run(rt.Pattern, func(t *testing.T) {
			if !documented[method+" "+pattern] {
				t.Errorf("%s is not in docs/openapi.yaml", rt.Pattern)
			}
			checks := []struct {
				who, token string
				status     int
			}{{"no credentials", "", http.StatusUnauthorized}, {"bad token", "peyk_not-a-token", http.StatusUnauthorized}}
			if rt.Role == auth.RoleAdmin {
				checks = append(checks, struct {
					who, token string
					status     int
				}{"agent", e.agent, http.StatusForbidden})
			}
			for _, c := range checks {
				status, body := e.call(t, method, path, c.token, `{}`)
				if status != c.status || !strings.Contains(body, `"error":{"code":`) {
					t.Errorf("%s: %d %s; want %d in the error shape", c.who, status, body, c.status)
				}
			}
		})
	}
}

// openAPIOperations returns the "METHOD /path" pairs an OpenAPI file
// describes, read from its indentation: paths at two spaces, methods at
// four.
func openAPIOperations(t *testing.T, file string) map[string]bool {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ops := map[string]bool{}
	path, inPaths := "", false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "paths:":
			inPaths = true
		case !inPaths:
		case strings.HasPrefix(line, "  /") && strings.HasSuffix(line, ":"):
			path = strings.TrimSuffix(strings.TrimSpace(line), ":")
		case strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "     ") && strings.HasSuffix(line, ":"):
			switch m := strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(line), ":")); m {
			case "GET", "POST", "PUT", "PATCH", "DELETE":
				ops[m+" "+path] = true
			}
		case line != "" && !strings.HasPrefix(line, " "):
			inPaths = false
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ops
}
