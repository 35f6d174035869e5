package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// benchMessages is how many messages BenchmarkInboxAPI loads:
// PEYK_BENCH_MESSAGES, else 1,000,000; conversations are a tenth of that
// and contacts a twentieth.
func benchMessages() int {
	if n, err := strconv.Atoi(os.Getenv("PEYK_BENCH_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// BenchmarkInboxAPI loads 1,000,000 messages in 100,000 conversations of
// 50,000 contacts (dbtest.Seed) and measures the server time of the API
// calls an agent makes all day, through the whole handler (token check,
// query, JSON) with the browser's session cookie: the inbox's first page,
// unfiltered and filtered by a random agent, and a conversation view (the
// newest 50 timeline entries of a random conversation); a text search for
// a contact's name across every status; and the first page once more with
// an API token. Run it with -benchtime 1x: each run times 2,000
// requests per case.
func BenchmarkInboxAPI(b *testing.B) {
	ctx := context.Background()
	pool := dbtest.New(b)
	msgs := benchMessages()
	seeded := dbtest.Seed(b, pool, dbtest.SeedSize{Contacts: msgs / 20, Conversations: msgs / 10, Messages: msgs,
		Agents: 20, Seed: 1})
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	users := auth.NewStore(pool, 4)
	token, err := users.CreateToken(ctx, seeded.AgentIDs[0], "bench")
	if err != nil {
		b.Fatal(err)
	}
	session, _, err := users.CreateSession(ctx, seeded.AgentIDs[0], auth.SessionInfo{})
	if err != nil {
		b.Fatal(err)
	}
	h := web.New(web.Deps{Users: users, Sessions: users, Inbox: inbox.New(pool, inbox.Config{}, nil),
		Contacts: crm.NewStore(pool)}).Handler()
	var maxConv int
	if err := pool.QueryRow(ctx, `SELECT max(id) FROM conversations`).Scan(&maxConv); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	firstPage := func() string { return "/api/v1/conversations" }
	cases := []struct {
		name string
		path func() string
		// bearer authenticates with the API token (each use is recorded:
		// a write) instead of the browser's session cookie.
		bearer bool
	}{
		{"first-page", firstPage, false},
		{"first-page-assignee", func() string {
			return fmt.Sprintf("/api/v1/conversations?assignee=%d", seeded.AgentIDs[rng.IntN(len(seeded.AgentIDs))])
		}, false},
		{"conversation-view", func() string { return fmt.Sprintf("/api/v1/conversations/%d", 1+rng.IntN(maxConv)) }, false},
		{"search", func() string { // a contact's name, any status
			return fmt.Sprintf("/api/v1/conversations?status=all&q=customer+%d", 1+rng.IntN(msgs/20))
		}, false},
		{"first-page-bearer", firstPage, true},
	}
	const requests = 2000
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			call := func() time.Duration {
				req := httptest.NewRequest("GET", c.path(), nil)
				if c.bearer {
					req.Header.Set("Authorization", "Bearer "+token)
				} else {
					req.AddCookie(&http.Cookie{Name: "peyk_session", Value: session})
				}
				w := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(w, req)
				d := time.Since(t0)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", req.URL, w.Code, w.Body)
				}
				return d
			}
			for range 50 { // warm the caches and the prepared statements
				call()
			}
			b.ResetTimer()
			for range b.N {
				lat := make([]time.Duration, requests)
				for i := range lat {
					lat[i] = call()
				}
				dbtest.ReportLatencies(b, lat)
			}
		})
	}
}
