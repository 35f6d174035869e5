package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/web/auth"
)

// reasons returns the fields at fault in err, field → reason key.
func reasons(err error) map[string]string {
	out := map[string]string{}
	for _, fe := range channels.FieldErrors(err) {
		out[fe.Field] = fe.Reason
	}
	return out
}

func ptr(s string) *string { return &s }

func TestPeople(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	st := auth.NewStore(pool, 4)
	ctx := context.Background()
	mk := func(email, role string) auth.User {
		t.Helper()
		u, err := st.CreateUser(ctx, auth.NewUser{Email: email, Role: role, Password: "long enough"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin, agent := mk("boss@peyk.ir", auth.RoleAdmin), mk("ali@peyk.ir", auth.RoleAgent)
	audited := func(t *testing.T, action string, subject int64) {
		t.Helper()
		if n := dbtest.Count(t, pool, `SELECT count(*) FROM audit_events WHERE action = $1 AND subject_type = 'user' AND subject_id = $2`,
			action, subject); n == 0 {
			t.Fatalf("no %s event for user %d", action, subject)
		}
	}

	t.Run("create is audited with field errors", func(t *testing.T) {
		audited(t, "user.create", agent.ID)
		_, err := st.CreateUser(ctx, auth.NewUser{Email: "nope", Role: "root", Password: "short", Locale: "de"})
		got := reasons(err)
		for field, reason := range map[string]string{"email": "people.error.email", "role": "people.error.role",
			"password": "people.error.password", "locale": "people.error.locale"} {
			if got[field] != reason {
				t.Errorf("%s: reason %q, want %q (all: %v)", field, got[field], reason, got)
			}
		}
		if !errors.Is(err, crm.ErrInvalid) {
			t.Fatalf("err = %v, want invalid", err)
		}
	})

	updates := []struct {
		name   string
		id     int64
		change auth.Change
		field  string // "" when it succeeds
	}{
		{"role and language", agent.ID, auth.Change{Role: ptr("admin"), Locale: ptr("en"), Name: ptr(" Ali ")}, ""},
		{"back to agent", agent.ID, auth.Change{Role: ptr("agent")}, ""},
		{"bad role", agent.ID, auth.Change{Role: ptr("root")}, "role"},
		{"bad language", agent.ID, auth.Change{Locale: ptr("de")}, "locale"},
		{"blank name", agent.ID, auth.Change{Name: ptr("  ")}, "name"},
		{"the last admin stays one", admin.ID, auth.Change{Role: ptr("agent")}, "role"},
	}
	for _, c := range updates {
		t.Run("update "+c.name, func(t *testing.T) {
			u, err := st.UpdateUser(ctx, admin.ID, c.id, c.change)
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.change.Role != nil && u.Role != *c.change.Role {
					t.Fatalf("role %q", u.Role)
				}
				audited(t, "user.update", c.id)
				return
			}
			if _, ok := reasons(err)[c.field]; !ok {
				t.Fatalf("err = %v, want a %s field error", err, c.field)
			}
		})
	}
	if _, err := st.UpdateUser(ctx, admin.ID, 99999, auth.Change{Name: ptr("x")}); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}

	t.Run("deactivate ends sessions and tokens at once", func(t *testing.T) {
		session, _, err := st.CreateSession(ctx, agent.ID, auth.SessionInfo{})
		if err != nil {
			t.Fatal(err)
		}
		token, err := st.CreateToken(ctx, agent.ID, "ci")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetActive(ctx, admin.ID, admin.ID, false); reasons(err)["active"] != "people.error.self" {
			t.Fatalf("self-deactivation: %v", err)
		}
		u, err := st.SetActive(ctx, admin.ID, agent.ID, false)
		if err != nil || u.Active {
			t.Fatalf("deactivate: %+v %v", u, err)
		}
		audited(t, "user.deactivate", agent.ID)
		if _, _, err := st.SessionByToken(ctx, session); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("session still works: %v", err)
		}
		if n := dbtest.Count(t, pool, `SELECT count(*) FROM sessions WHERE user_id = $1`, agent.ID); n != 0 {
			t.Fatalf("%d sessions kept", n)
		}
		if n := dbtest.Count(t, pool, `SELECT count(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL`, agent.ID); n != 0 {
			t.Fatalf("%d tokens left unrevoked", n)
		}
		if _, err := st.Login(ctx, "ali@peyk.ir", "long enough"); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("a deactivated user signed in: %v", err)
		}
		if _, err := st.SetActive(ctx, admin.ID, agent.ID, true); err != nil {
			t.Fatal(err)
		}
		audited(t, "user.activate", agent.ID)
		if _, err := st.UserByToken(ctx, token); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("a token revoked by deactivation works again after reactivation: %v", err)
		}
		if _, err := st.Login(ctx, "ali@peyk.ir", "long enough"); err != nil {
			t.Fatalf("reactivated user cannot sign in: %v", err)
		}
	})

	t.Run("reset password ends sessions, keeps tokens", func(t *testing.T) {
		session, _, err := st.CreateSession(ctx, agent.ID, auth.SessionInfo{})
		if err != nil {
			t.Fatal(err)
		}
		token, err := st.CreateToken(ctx, agent.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ResetPassword(ctx, admin.ID, agent.ID, "short"); reasons(err)["password"] == "" {
			t.Fatalf("short password: %v", err)
		}
		pw := auth.GeneratePassword()
		if len(pw) != 16 || pw == auth.GeneratePassword() {
			t.Fatalf("generated %q", pw)
		}
		if _, err := st.ResetPassword(ctx, admin.ID, agent.ID, pw); err != nil {
			t.Fatal(err)
		}
		audited(t, "user.password_reset", agent.ID)
		if n := dbtest.Count(t, pool, `SELECT count(*) FROM audit_events WHERE data::text LIKE '%' || $1 || '%'`, pw); n != 0 {
			t.Fatal("the password is in the audit log")
		}
		if _, _, err := st.SessionByToken(ctx, session); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("session survived the reset: %v", err)
		}
		if _, err := st.UserByToken(ctx, token); err != nil {
			t.Fatalf("token lost with the reset: %v", err)
		}
		if _, err := st.Login(ctx, "ali@peyk.ir", pw); err != nil {
			t.Fatalf("new password: %v", err)
		}
	})

	t.Run("people lists last seen and availability", func(t *testing.T) {
		ps, err := st.People(ctx)
		if err != nil || len(ps) != 2 {
			t.Fatalf("%+v %v", ps, err)
		}
		for _, p := range ps {
			if !p.Available || (p.ID == agent.ID) != (p.LastSeenAt != nil) {
				t.Errorf("%s: available %v last seen %v", p.Email, p.Available, p.LastSeenAt)
			}
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	st := auth.NewStore(pool, 4)
	ctx := context.Background()
	a, err := st.CreateUser(ctx, auth.NewUser{Email: "a@peyk.ir", Role: auth.RoleAgent, Password: "long enough"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateUser(ctx, auth.NewUser{Email: "b@peyk.ir", Role: auth.RoleAgent, Password: "long enough"})
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name, tokenName string
		expires         time.Time
		field           string
	}{
		{"no name", " ", time.Time{}, "name"},
		{"in the past", "old", time.Now().Add(-time.Hour), "expires"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := st.IssueToken(ctx, a.ID, a.ID, c.tokenName, c.expires); reasons(err)[c.field] == "" {
				t.Fatalf("err = %v, want a %s field error", err, c.field)
			}
		})
	}
	secret, tok, err := st.IssueToken(ctx, a.ID, a.ID, "deploy", time.Now().Add(time.Hour))
	if err != nil || tok.ExpiresAt == nil || tok.UserEmail != "a@peyk.ir" {
		t.Fatalf("issue: %+v %v", tok, err)
	}
	if _, err := st.UserByToken(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UserByToken(ctx, secret); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("expired token works: %v", err)
	}
	other, _, err := st.IssueToken(ctx, b.ID, b.ID, "b's", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := st.Tokens(ctx, a.ID)
	if err != nil || len(ts) != 1 || ts[0].Name != "deploy" {
		t.Fatalf("a's tokens: %+v %v", ts, err)
	}
	if all, _ := st.Tokens(ctx, 0); len(all) != 2 {
		t.Fatalf("every token: %+v", all)
	}
	bTokens, _ := st.Tokens(ctx, b.ID)
	if _, err := st.RevokeToken(ctx, a.ID, a.ID, bTokens[0].ID); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("a revoked b's token: %v", err)
	}
	if _, err := st.UserByToken(ctx, other); err != nil {
		t.Fatalf("b's token after a's attempt: %v", err)
	}
	rt, err := st.RevokeToken(ctx, a.ID, 0, bTokens[0].ID) // as an admin
	if err != nil || rt.RevokedAt == nil {
		t.Fatalf("revoke: %+v %v", rt, err)
	}
	if _, err := st.UserByToken(ctx, other); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("revoked token works: %v", err)
	}
	for _, action := range []string{"token.create", "token.revoke"} {
		if n := dbtest.Count(t, pool, `SELECT count(*) FROM audit_events WHERE action = $1 AND NOT data::text LIKE '%peyk\_%'`, action); n == 0 {
			t.Errorf("no %s event (or one holding the token)", action)
		}
	}
}
