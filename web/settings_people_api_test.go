package web_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAPIPeople drives people, tokens and the audit log through the API:
// what an admin may do to anyone, what an agent may do to their own
// tokens only, and that a deactivated user's token stops at once.
func TestAPIPeople(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	agent := itoa(e.agentID)
	e.run(t, []apiStep{
		{"away", "PATCH", "/api/v1/me", e.agent, `{"available":false}`, 200, `"available":false`},
		{"back", "PATCH", "/api/v1/me", e.agent, `{"available":true}`, 200, `"available":true`},
		{"generated password", "POST", "/api/v1/users", e.admin, `{"email":"gen@peyk.ir","role":"agent"}`, 201, `"password":"`},
		{"agent may not change users", "PATCH", "/api/v1/users/" + agent, e.agent, `{"role":"admin"}`, 403, `"forbidden"`},
		{"role and locale", "PATCH", "/api/v1/users/" + agent, e.admin, `{"role":"agent","locale":"en","name":"Ali"}`, 200, `"locale":"en"`},
		{"bad role", "PATCH", "/api/v1/users/" + agent, e.admin, `{"role":"root"}`, 400, `"reason":"people.error.role"`},
		{"unknown user", "PATCH", "/api/v1/users/99999", e.admin, `{"name":"x"}`, 404, `"not_found"`},
		{"not yourself", "POST", "/api/v1/users/" + itoa(e.adminID) + "/deactivate", e.admin, ``, 400, `"reason":"people.error.self"`},
		{"the last admin", "PATCH", "/api/v1/users/" + itoa(e.adminID), e.admin, `{"role":"agent"}`, 400, `"reason":"people.error.last_admin"`},
		{"my tokens", "GET", "/api/v1/tokens", e.agent, "", 200, `"name":"test"`},
		{"not another's tokens", "GET", "/api/v1/tokens?user_id=" + itoa(e.adminID), e.agent, "", 403, `"forbidden"`},
		{"not a token for another", "POST", "/api/v1/tokens", e.agent, `{"name":"x","user_id":` + itoa(e.adminID) + `}`, 403, `"forbidden"`},
		{"a token without a name", "POST", "/api/v1/tokens", e.agent, `{"name":""}`, 400, `"field":"name"`},
		{"an expired expiry", "POST", "/api/v1/tokens", e.agent, `{"name":"x","expires_at":"2001-01-01T00:00:00Z"}`, 400, `"field":"expires"`},
		{"admin lists anyone's", "GET", "/api/v1/tokens?user_id=" + agent, e.admin, "", 200, `"user_email":"agent@peyk.ir"`},
		{"admin lists everyone's", "GET", "/api/v1/tokens?user_id=0", e.admin, "", 200, `"user_email":"admin@peyk.ir"`},
		{"reset with a generated password", "POST", "/api/v1/users/" + agent + "/password", e.admin, ``, 200, `"password":"`},
		{"reset too short", "POST", "/api/v1/users/" + agent + "/password", e.admin, `{"password":"short"}`, 400, `"field":"password"`},
	})

	status, body := e.call(t, "POST", "/api/v1/tokens", e.agent, `{"name":"deploy","expires_at":"2099-01-01T00:00:00Z"}`)
	var made struct {
		Token string `json:"token"`
		ID    int64  `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &made); status != 201 || err != nil || !strings.HasPrefix(made.Token, "peyk_") {
		t.Fatalf("create token: %d %s", status, body)
	}
	if status, _ := e.call(t, "GET", "/api/v1/me", made.Token, ""); status != 200 {
		t.Fatalf("the new token: %d", status)
	}
	if status, body := e.call(t, "GET", "/api/v1/tokens", e.agent, ""); status != 200 || strings.Contains(body, made.Token) {
		t.Fatalf("a token list shows a token: %s", body)
	}
	e.run(t, []apiStep{
		{"revoke my own", "DELETE", "/api/v1/tokens/" + itoa(made.ID), e.agent, "", 200, `"revoked_at":"20`},
		{"deactivate", "POST", "/api/v1/users/" + agent + "/deactivate", e.admin, ``, 200, `"active":false`},
		{"the agent's token is dead", "GET", "/api/v1/me", e.agent, "", 401, `"unauthorized"`},
		{"reactivate", "POST", "/api/v1/users/" + agent + "/activate", e.admin, ``, 200, `"active":true`},
		{"and stays dead", "GET", "/api/v1/me", e.agent, "", 401, `"unauthorized"`},
		{"a dead token may not read the log", "GET", "/api/v1/audit", e.agent, "", 401, `"unauthorized"`},
		{"the log", "GET", "/api/v1/audit", e.admin, "", 200, `"action":"user.activate"`},
		{"filtered by action kind", "GET", "/api/v1/audit?action=token.&actor=" + agent, e.admin, "", 200, `"action":"token.revoke"`},
		{"Jalali days", "GET", "/api/v1/audit?from=" + "۱۴۰۰/۰۱/۰۱" + "&to=1500-01-01", e.admin, "", 200, `"action":"user.deactivate"`},
		{"a bad day", "GET", "/api/v1/audit?from=yesterday", e.admin, "", 400, `"field":"from"`},
		{"a bad actor", "GET", "/api/v1/audit?actor=bob", e.admin, "", 400, `"field":"actor"`},
		{"paged", "GET", "/api/v1/audit?limit=1", e.admin, "", 200, `"next":"`},
	})
	_, body = e.call(t, "GET", "/api/v1/audit?action=user.deactivate", e.admin, "")
	if !strings.Contains(body, `"actor_name":"Admin"`) || !strings.Contains(body, `"tokens_revoked":`) {
		t.Fatalf("the deactivation's event: %s", body)
	}
}
