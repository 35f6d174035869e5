package web_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

// sseLines opens the event stream with header set and returns its lines.
func sseLines(t *testing.T, c *http.Client, url string, header map[string]string) (*http.Response, <-chan string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return resp, lines
}

// waitLine notifies payload every 200 ms (NOTIFYs sent before the hub
// listens are lost) until a line containing want arrives.
func waitLine(t *testing.T, pool *pgxpool.Pool, lines <-chan string, payload, want string) {
	t.Helper()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended before %q", want)
			}
			if strings.Contains(line, want) {
				return
			}
		case <-tick.C:
			if payload != "" {
				if _, err := pool.Exec(context.Background(), `SELECT pg_notify($1, $2)`, inbox.NotifyChannel, payload); err != nil {
					t.Fatal(err)
				}
			}
		case <-deadline:
			t.Fatalf("no %q within 15 s", want)
		}
	}
}

func TestEvents(t *testing.T) {
	t.Parallel()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	app := "peyk_hub_" + hex.EncodeToString(b)
	hubPool := dbtest.NewConfig(t, func(c *pgxpool.Config) { c.ConnConfig.RuntimeParams["application_name"] = app })
	hub := web.NewHub(hubPool, nil)
	hub.Heartbeat = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); hub.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	f := newAuthFixture(t, func(d *web.Deps) { d.Events = hub })
	if resp, _ := f.do(t, f.client(t), "GET", "/events", "", nil); resp.StatusCode != 401 {
		t.Fatalf("anonymous: %d", resp.StatusCode)
	}
	resp, bearer := sseLines(t, f.client(t), f.srv.URL+"/events", map[string]string{"Authorization": "Bearer " + f.token})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %v", resp.StatusCode, resp.Header)
	}
	browser := f.client(t)
	f.signIn(t, browser)
	resp, cookie := sseLines(t, browser, f.srv.URL+"/events", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("stream with the cookie: %d", resp.StatusCode)
	}

	waitLine(t, f.pool, bearer, "", "retry: 3000")
	// Other tests notify on the same database: a message id of our own.
	ev := fmt.Sprintf(`{"type":"message.created","conversation_id":7,"message_id":%d}`, binary.BigEndian.Uint32(b))
	waitLine(t, f.pool, bearer, ev, "data: "+ev)
	waitLine(t, f.pool, cookie, ev, "data: "+ev)
	waitLine(t, f.pool, bearer, "", ": ping")

	// The LISTEN connection dies: the hub reconnects and says resync.
	if _, err := f.pool.Exec(context.Background(),
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, app); err != nil {
		t.Fatal(err)
	}
	waitLine(t, f.pool, bearer, "", `data: {"type":"resync"}`)
	again := fmt.Sprintf(`{"type":"conversation.updated","conversation_id":%d}`, binary.BigEndian.Uint32(b[2:]))
	waitLine(t, f.pool, bearer, again, "data: "+again)

	// The hub stops: streams end.
	cancel()
	<-done
	for range bearer {
	}
}
