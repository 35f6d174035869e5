package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/web/auth"
)

func TestSessions(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	st := auth.NewStore(pool, 4)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, auth.NewUser{Email: "ali@peyk.ir", Role: "agent", Password: "long enough"})
	if err != nil {
		t.Fatal(err)
	}
	newSession := func(t *testing.T) (string, auth.Session) {
		t.Helper()
		token, ss, err := st.CreateSession(ctx, u.ID, auth.SessionInfo{UserAgent: "test", IP: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		return token, ss
	}
	expectGone := func(t *testing.T, token string) {
		t.Helper()
		if _, _, err := st.SessionByToken(ctx, token); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("err = %v, want not found", err)
		}
	}

	t.Run("create and look up", func(t *testing.T) {
		token, ss := newSession(t)
		if len(token) != 43 || len(ss.CSRF) != 43 || token == ss.CSRF {
			t.Fatalf("token %q csrf %q: want two distinct 256-bit values", token, ss.CSRF)
		}
		if n := dbtest.Count(t, pool, `SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, token); n != 1 {
			t.Fatal("the session is not stored as the sha256 of its id")
		}
		got, gs, err := st.SessionByToken(ctx, token)
		if err != nil || got.ID != u.ID || gs.ID != ss.ID || gs.CSRF != ss.CSRF {
			t.Fatalf("lookup: %+v %+v %v", got, gs, err)
		}
		if d := time.Until(gs.ExpiresAt); d < auth.SessionIdle-time.Minute || d > auth.SessionIdle+time.Minute {
			t.Fatalf("expires in %v, want about %v", d, auth.SessionIdle)
		}
		expectGone(t, token+"x")
		expectGone(t, "")
	})
	t.Run("use moves the idle expiry", func(t *testing.T) {
		token, ss := newSession(t)
		if _, err := pool.Exec(ctx, `UPDATE sessions SET last_seen_at = now() - interval '2 hours',
			expires_at = now() + interval '1 hour' WHERE id = $1`, ss.ID); err != nil {
			t.Fatal(err)
		}
		_, gs, err := st.SessionByToken(ctx, token)
		if err != nil || time.Until(gs.ExpiresAt) < auth.SessionIdle-time.Minute {
			t.Fatalf("after use: expires %v, %v", gs.ExpiresAt, err)
		}
	})
	t.Run("never past the absolute lifetime", func(t *testing.T) {
		token, ss := newSession(t)
		if _, err := pool.Exec(ctx, `UPDATE sessions SET last_seen_at = now() - interval '2 hours',
			created_at = now() - $2 * interval '1 second' + interval '1 hour' WHERE id = $1`,
			ss.ID, int64(auth.SessionMax/time.Second)); err != nil {
			t.Fatal(err)
		}
		_, gs, err := st.SessionByToken(ctx, token)
		if err != nil || time.Until(gs.ExpiresAt) > time.Hour+time.Minute {
			t.Fatalf("near the end: expires %v, %v", gs.ExpiresAt, err)
		}
	})
	t.Run("expired", func(t *testing.T) {
		token, ss := newSession(t)
		if _, err := pool.Exec(ctx, `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, ss.ID); err != nil {
			t.Fatal(err)
		}
		expectGone(t, token)
		newSession(t) // clears expired sessions
		if n := dbtest.Count(t, pool, `SELECT count(*) FROM sessions WHERE id = $1`, ss.ID); n != 0 {
			t.Fatal("expired session kept")
		}
	})
	t.Run("deleted", func(t *testing.T) {
		token, _ := newSession(t)
		if err := st.DeleteSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		expectGone(t, token)
		if err := st.DeleteSession(ctx, token); err != nil {
			t.Fatalf("second delete: %v", err)
		}
	})
	t.Run("deactivated user", func(t *testing.T) {
		token, _ := newSession(t)
		if _, err := pool.Exec(ctx, `UPDATE users SET active = false WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		defer pool.Exec(ctx, `UPDATE users SET active = true WHERE id = $1`, u.ID)
		expectGone(t, token)
	})
	t.Run("all of a user", func(t *testing.T) {
		token, _ := newSession(t)
		if n, err := st.DeleteUserSessions(ctx, u.ID); err != nil || n == 0 {
			t.Fatalf("deleted %d, %v", n, err)
		}
		expectGone(t, token)
	})
	t.Run("unknown user", func(t *testing.T) {
		if _, _, err := st.CreateSession(ctx, 99999, auth.SessionInfo{}); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
}

// BenchmarkSessionByToken measures the lookup every browser request makes
// (a read; the write happens at most once a minute per session).
func BenchmarkSessionByToken(b *testing.B) {
	pool := dbtest.New(b)
	st := auth.NewStore(pool, 4)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, auth.NewUser{Email: "bench@peyk.ir", Role: "agent", Password: "long enough"})
	if err != nil {
		b.Fatal(err)
	}
	// A realistic table: a thousand other sessions.
	for i := 0; i < 1000; i++ {
		if _, _, err := st.CreateSession(ctx, u.ID, auth.SessionInfo{}); err != nil {
			b.Fatal(err)
		}
	}
	token, _, err := st.CreateSession(ctx, u.ID, auth.SessionInfo{})
	if err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, _, err := st.SessionByToken(ctx, token); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	dbtest.ReportLatencies(b, lat)
}
