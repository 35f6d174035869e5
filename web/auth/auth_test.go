package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/web/auth"
)

func TestUsersAndTokens(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	st := auth.NewStore(pool, 4) // bcrypt.MinCost keeps the test fast
	ctx := context.Background()

	bad := []struct {
		name string
		nu   auth.NewUser
		want error
	}{
		{"bad email", auth.NewUser{Email: "nope", Role: "agent", Password: "long enough"}, crm.ErrInvalid},
		{"bad role", auth.NewUser{Email: "a@x.ir", Role: "root", Password: "long enough"}, crm.ErrInvalid},
		{"short password", auth.NewUser{Email: "a@x.ir", Role: "agent", Password: "short"}, crm.ErrInvalid},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := st.CreateUser(ctx, tc.nu); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}

	u, err := st.CreateUser(ctx, auth.NewUser{Email: " Sara <Sara@Peyk.IR>", Name: "سارا", Role: "admin", Password: "s3cret-pass"})
	if err != nil || u.Email != "sara@peyk.ir" || u.Locale != "fa" {
		t.Fatalf("create: %+v, %v", u, err)
	}
	if _, err := st.CreateUser(ctx, auth.NewUser{Email: "sara@peyk.ir", Role: "agent", Password: "another-one"}); !errors.Is(err, crm.ErrConflict) {
		t.Fatalf("duplicate: err = %v", err)
	}
	if got, err := st.Login(ctx, "SARA@peyk.ir", "s3cret-pass"); err != nil || got.ID != u.ID {
		t.Fatalf("login: %+v, %v", got, err)
	}
	for _, pw := range []string{"wrong", ""} {
		if _, err := st.Login(ctx, "sara@peyk.ir", pw); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("login with %q: err = %v", pw, err)
		}
	}
	if _, err := st.Login(ctx, "nobody@peyk.ir", "s3cret-pass"); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("login of nobody: err = %v", err)
	}

	token, err := st.CreateToken(ctx, u.ID, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.UserByToken(ctx, token); err != nil || got.ID != u.ID {
		t.Fatalf("by token: %+v, %v", got, err)
	}
	if _, err := st.UserByToken(ctx, token+"x"); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("forged token: err = %v", err)
	}
	// last_used_at is written on first use and then at most once a minute.
	lastUsed := func() string {
		var at string
		if err := pool.QueryRow(ctx, `SELECT COALESCE(last_used_at::text, '') FROM api_tokens`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	first := lastUsed()
	if _, err := st.UserByToken(ctx, token); err != nil || first == "" || lastUsed() != first {
		t.Fatalf("last_used_at %q then %q (err %v): want set once", first, lastUsed(), err)
	}
	if _, err := pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() - interval '2 minutes'`); err != nil {
		t.Fatal(err)
	}
	stale := lastUsed()
	if _, err := st.UserByToken(ctx, token); err != nil || lastUsed() == stale {
		t.Fatalf("last_used_at stayed %q after a minute: err %v", stale, err)
	}
	if _, err := pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = now()`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UserByToken(ctx, token); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("revoked token: err = %v", err)
	}
	if _, err := st.CreateToken(ctx, 99999, "x"); !errors.Is(err, crm.ErrNotFound) {
		t.Fatalf("token for nobody: err = %v", err)
	}
}
