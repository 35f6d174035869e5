package web_test

import (
	"strings"
	"testing"
)

func TestAPIUsers(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	e.run(t, []apiStep{
		{"list", "GET", "/api/v1/users", e.agent, "", 200, `"email":"admin@peyk.ir"`},
		{"me", "GET", "/api/v1/me", e.agent, "", 200, `"email":"agent@peyk.ir"`},
		{"locale", "PATCH", "/api/v1/me", e.agent, `{"locale":"en"}`, 200, `"locale":"en"`},
		{"name", "PATCH", "/api/v1/me", e.agent, `{"name":"  Nima  "}`, 200, `"name":"Nima"`},
		{"name kept", "PATCH", "/api/v1/me", e.agent, `{"locale":"fa"}`, 200, `"name":"Nima"`},
		{"bad locale", "PATCH", "/api/v1/me", e.agent, `{"locale":"de"}`, 400, `locale`},
		{"blank name", "PATCH", "/api/v1/me", e.agent, `{"name":" "}`, 400, `name`},
		{"agent may not create", "POST", "/api/v1/users", e.agent, `{"email":"x@peyk.ir","role":"agent","password":"long enough"}`, 403, `"forbidden"`},
		{"admin creates", "POST", "/api/v1/users", e.admin, `{"email":"New@Peyk.ir","name":"New","role":"agent","password":"long enough","locale":"en"}`, 201, `"email":"new@peyk.ir"`},
		{"taken", "POST", "/api/v1/users", e.admin, `{"email":"new@peyk.ir","role":"agent","password":"long enough"}`, 409, `"conflict"`},
		{"short password", "POST", "/api/v1/users", e.admin, `{"email":"y@peyk.ir","role":"agent","password":"short"}`, 400, `password`},
		{"bad role", "POST", "/api/v1/users", e.admin, `{"email":"y@peyk.ir","role":"boss","password":"long enough"}`, 400, `role`},
		{"never a hash", "GET", "/api/v1/users", e.admin, "", 200, `"role":"agent"`},
	})
	if _, body := e.call(t, "GET", "/api/v1/users", e.admin, ""); strings.Contains(body, "password") {
		t.Fatalf("users list leaks a password field: %s", body)
	}
}
