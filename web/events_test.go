package web_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

// sseLines opens the event stream with header set and returns its lines.
func sseLines(t testing.TB, c *http.Client, url string, header map[string]string) (*http.Response, <-chan string) {
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

// startHub runs a hub on pool until the test ends (or cancel).
func startHub(t *testing.T, pool *pgxpool.Pool) (*web.Hub, context.CancelFunc, <-chan struct{}) {
	hub := web.NewHub(pool, nil)
	hub.Heartbeat = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); hub.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return hub, cancel, done
}

// TestEventsFromIngest follows a message from inbox.Ingest (its real
// NOTIFY after commit) to a browser's event stream.
func TestEventsFromIngest(t *testing.T) {
	t.Parallel()
	hub, _, _ := startHub(t, dbtest.New(t))
	f := newAuthFixture(t, func(d *web.Deps) { d.Events = hub })
	ctx := context.Background()
	ib := inbox.New(f.pool, inbox.Config{}, nil)
	ch, err := ib.CreateChannel(ctx, channels.Telegram, "bot", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Ids of our own: other tests' fresh schemas notify small ones.
	var msgID int64
	if err := f.pool.QueryRow(ctx, `SELECT setval('messages_id_seq', 1000000000 + (random() * 1e9)::bigint)`).Scan(&msgID); err != nil {
		t.Fatal(err)
	}
	browser := f.client(t)
	f.signIn(t, browser)
	_, lines := sseLines(t, browser, f.srv.URL+"/events", nil)
	waitLine(t, f.pool, lines, "", "retry: 3000")
	// Until the hub listens a NOTIFY is lost: ingest another message every
	// 300 ms until one shows.
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < 50; {
		select {
		case line := <-lines:
			var ev inbox.Event
			data, ok := strings.CutPrefix(line, "data: ")
			if ok && json.Unmarshal([]byte(data), &ev) == nil && ev.Type == "message.created" && ev.MessageID > msgID {
				return
			}
		case <-tick.C:
			in := channels.Inbound{ChannelID: ch, ExternalID: fmt.Sprint("u", i), Kind: channels.KindText,
				From: channels.Identity{Kind: channels.IdentityTelegram, Value: "4242"}, Text: "سلام", SentAt: time.Now()}
			if err := ib.Ingest(ctx, []channels.Inbound{in}); err != nil {
				t.Fatal(err)
			}
			i++
		}
	}
	t.Fatal("no message.created event for the ingested messages")
}

func TestEvents(t *testing.T) {
	t.Parallel()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	app := "peyk_hub_" + hex.EncodeToString(b)
	hubPool := dbtest.NewConfig(t, func(c *pgxpool.Config) { c.ConnConfig.RuntimeParams["application_name"] = app })
	hub, cancel, done := startHub(t, hubPool)

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
