package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// TestChannelKindsAPI: GET /api/v1/channel-kinds gives admins every kind
// with its settings and presets (agents get 403); a create whose settings
// do not pass names each field at fault under "fields" and stores
// nothing; one that passes is in the audit log under the admin's name.
func TestChannelKindsAPI(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	a := &app{log: log, pool: pool, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin := newChannelAdmin(a)
	users := auth.NewStore(pool, 4)
	token := func(role string) (string, int64) {
		u, err := users.CreateUser(ctx, auth.NewUser{Email: role + "@peyk.ir", Role: role, Password: "long enough"})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := users.CreateToken(ctx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		return tok, u.ID
	}
	adminToken, adminID := token(auth.RoleAdmin)
	agentToken, _ := token(auth.RoleAgent)
	srv := httptest.NewServer(web.New(web.Deps{Users: users, Channels: admin, Kinds: a.kinds, Log: log}).Handler())
	defer srv.Close()
	call := func(method, path, tok, body string) (int, string) {
		return httpCall(t, method, srv.URL+path, body, bearer(tok)...)
	}
	bad := `{"kind":"email","name":"support","config":{"imap":{"host":"imap.gmail.com","port":"x","tls":"tls","user":"me"},
		"smtp":{"host":"smtp.gmail.com","port":587,"tls":"starttls","auth":"none"}}}`
	good := strings.Replace(strings.Replace(bad, `"port":"x"`, `"port":993`, 1), `"auth":"none"}}`, `"auth":"none"},"from":"me@x.ir"}`, 1)
	steps := []struct {
		name, method, path, token, body string
		status                          int
		wants                           []string
	}{
		{"agent", "GET", "/api/v1/channel-kinds", agentToken, "", 403, nil},
		{"kinds", "GET", "/api/v1/channel-kinds", adminToken, "", 200, []string{`"kind":"email"`, `"name":"gmail"`,
			`"host":"imap.gmail.com"`, `"name":"imap_password","type":"string","secret":true`, `"help":{"fa":`, `"name":"kannel"`}},
		{"field errors", "POST", "/api/v1/channels", adminToken, bad, 400, []string{`"fields":[`,
			`{"field":"imap.port","reason":"channels.error.int","message":"want a whole number"}`,
			`{"field":"from","reason":"error.required"`}},
		{"created", "POST", "/api/v1/channels", adminToken, good, 201, []string{`"name":"support"`}},
	}
	for _, s := range steps {
		status, body := call(s.method, s.path, s.token, s.body)
		if status != s.status {
			t.Fatalf("%s: %d %s", s.name, status, body)
		}
		for _, w := range s.wants {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %s in %s", s.name, w, body)
			}
		}
	}
	var n int
	var actor int64
	var data json.RawMessage
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM channels`).Scan(&n)
	if err := pool.QueryRow(ctx, `SELECT actor_id, data FROM audit_events WHERE action = 'channel.create'`).Scan(&actor, &data); err != nil || n != 1 || actor != adminID {
		t.Errorf("%d channels; audit actor %d (%v), want 1 and %d", n, actor, err, adminID)
	}
}
