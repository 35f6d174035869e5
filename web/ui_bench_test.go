package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// BenchmarkUIPages measures the server time of the agent UI's pages,
// rendering included, over 1,000,000 messages, 100,000 conversations and
// 50,000 contacts: the inbox's first page (open conversations, and mine)
// and conversation views of conversations picked across the data. It
// reports p50 and p99 in milliseconds. Seeding takes about a minute;
// PEYK_BENCH_MESSAGES sets a smaller size (see BenchmarkInboxAPI).
func BenchmarkUIPages(b *testing.B) {
	ctx := context.Background()
	pool := dbtest.New(b)
	msgs := benchMessages()
	seed := dbtest.Seed(b, pool, dbtest.SeedSize{Contacts: msgs / 20, Conversations: msgs / 10, Messages: msgs,
		Agents: 20, Seed: 1})
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	users := auth.NewStore(pool, 4)
	token, _, err := users.CreateSession(ctx, seed.AgentIDs[0], auth.SessionInfo{})
	if err != nil {
		b.Fatal(err)
	}
	var convs []int64
	rows, _ := pool.Query(ctx, `SELECT id FROM conversations ORDER BY random() LIMIT 200`)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		convs = append(convs, id)
	}
	if rows.Err() != nil || len(convs) == 0 {
		b.Fatal(rows.Err(), len(convs))
	}
	h := web.New(web.Deps{Inbox: inbox.New(pool, inbox.Config{}, nil), Contacts: crm.NewStore(pool),
		Templates: templates.NewStore(pool), Users: users, Sessions: users}).Handler()
	cookie := &http.Cookie{Name: "peyk_session", Value: token}
	pages := []struct {
		name string
		path func(i int) string
	}{
		{"inbox", func(int) string { return "/" }},
		{"inbox-mine", func(int) string { return "/?assignee=me&status=all" }},
		{"conversation", func(i int) string { return fmt.Sprintf("/conversations/%d", convs[i%len(convs)]) }},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var lat []time.Duration
			i := 0
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, p.path(i), nil)
				req.AddCookie(cookie)
				w := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(w, req)
				lat = append(lat, time.Since(start))
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", p.path(i), w.Code, w.Body.String())
				}
				i++
			}
			dbtest.ReportLatencies(b, lat)
		})
	}
}
