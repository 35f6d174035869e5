package web_test

import (
	"context"
	"fmt"
	"testing"
)

// TestTeamsAndSLAAPI: the teams and SLA policies API at parity with the
// pages: admins change them (agents get 403), bad input answers 400 with
// the fields at fault and changes nothing.
func TestTeamsAndSLAAPI(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	e.run(t, []apiStep{
		{"agent cannot create", "POST", "/api/v1/teams", e.agent, `{"name":"Support"}`, 403, `"forbidden"`},
		{"create", "POST", "/api/v1/teams", e.admin, `{"name":"Support"}`, 201, `"name":"Support"`},
		{"empty name", "POST", "/api/v1/teams", e.admin, `{"name":""}`, 400, `"field":"name"`},
	})
	var team int64
	if err := e.pool.QueryRow(context.Background(), `SELECT id FROM teams WHERE name = 'Support'`).Scan(&team); err != nil {
		t.Fatal(err)
	}
	tp := fmt.Sprintf("/api/v1/teams/%d", team)
	e.run(t, []apiStep{
		{"rename", "PATCH", tp, e.admin, `{"name":"Care"}`, 200, `"name":"Care"`},
		{"add member", "PUT", fmt.Sprintf("%s/members/%d", tp, e.agentID), e.admin, ``, 204, ``},
		{"unknown member", "PUT", tp + "/members/999999", e.admin, ``, 400, `"field":"user_id"`},
		{"route", "PUT", fmt.Sprintf("%s/channels/%d", tp, e.sms), e.admin, ``, 204, ``},
		{"agent reads", "GET", tp, e.agent, ``, 200, `"available":true`},
		{"routed", "GET", tp, e.admin, ``, 200, `"channels":[{"id":`},
		{"policy", "POST", "/api/v1/sla-policies", e.admin,
			fmt.Sprintf(`{"name":"Care","team_id":%d,"first_response_minutes":15,"next_response_minutes":30}`, team), 201,
			`"first_response_minutes":15,"next_response_minutes":30`},
		{"defaults: Iranian week and holidays", "GET", "/api/v1/sla-policies", e.admin, ``, 200, `"official_holidays":true`},
		{"second policy for the team", "POST", "/api/v1/sla-policies", e.admin, fmt.Sprintf(`{"team_id":%d,"first_response_minutes":5}`, team), 400, `"field":"scope"`},
		{"bad fields", "POST", "/api/v1/sla-policies", e.admin,
			`{"first_response_minutes":-1,"calendar":{"week":{"sat":[["8","16:00"]],"sun":[["08:00","12:00"],["11:00","13:00"]]}}}`, 400,
			`"field":"first_response_minutes"`},
		{"patch keeps the rest", "PATCH", "/api/v1/sla-policies/1", e.admin, `{"next_response_minutes":45}`, 200,
			`"first_response_minutes":15,"next_response_minutes":45`},
		{"agent cannot list", "GET", "/api/v1/sla-policies", e.agent, ``, 403, `"forbidden"`},
		{"holidays", "GET", "/api/v1/holidays?year=1405", e.agent, ``, 200, `"date":"2026-06-25","jalali_year":1405,"fa":"عاشورای حسینی"`},
		{"delete team", "DELETE", tp, e.admin, ``, 200, `"conversations":0`},
		{"policy went with it", "GET", "/api/v1/sla-policies", e.admin, ``, 200, `"policies":[]`},
	})
	var n int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action LIKE 'team.%' OR action LIKE 'sla.%'`).Scan(&n); err != nil || n != 7 {
		t.Fatalf("audit events = %d, %v; want 7", n, err)
	}
}
