package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

// BenchmarkEventsFanout measures NOTIFY to browser: each op is one
// pg_notify on inbox.NotifyChannel, delivered through the hub to 20 event
// streams over HTTP. It reports deliveries per second ("msg/s") and the
// latency from sending the NOTIFY to a stream reading the event. NOTIFYs
// go out in windows of 32, each waiting for every stream to have read the
// previous one, so no stream falls far enough behind to be cut off.
func BenchmarkEventsFanout(b *testing.B) {
	const clients, window = 20, 32
	hub := web.NewHub(dbtest.New(b), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); hub.Run(ctx) }()
	defer func() { cancel(); <-done }()
	f := newAuthFixture(b, func(d *web.Deps) { d.Events = hub })
	run := fmt.Sprint(time.Now().UnixNano()) // ours, not another test's

	var mu sync.Mutex
	var lat []time.Duration
	got := make(chan struct{}, clients*window)
	for range clients {
		_, lines := sseLines(b, f.client(b), f.srv.URL+"/events", map[string]string{"Authorization": "Bearer " + f.token})
		go func() {
			for line := range lines {
				var ev struct {
					Run  string `json:"run"`
					Sent int64  `json:"sent"`
				}
				data, ok := strings.CutPrefix(line, "data: ")
				if !ok || json.Unmarshal([]byte(data), &ev) != nil || ev.Run != run {
					continue
				}
				d := time.Since(time.Unix(0, ev.Sent))
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
				got <- struct{}{}
			}
		}()
	}
	notify := func(sent int64) {
		payload := fmt.Sprintf(`{"type":"bench","run":%q,"sent":%d}`, run, sent)
		if _, err := f.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, inbox.NotifyChannel, payload); err != nil {
			b.Fatal(err)
		}
	}
	// Until every stream reads a warm-up event, the hub may not listen yet.
	warm := time.NewTicker(100 * time.Millisecond)
	for n := 0; n < clients; {
		select {
		case <-got:
			n++
		case <-warm.C:
			if n == 0 {
				notify(time.Now().UnixNano())
			}
		}
	}
	warm.Stop()
	time.Sleep(300 * time.Millisecond) // late warm-up copies
	for len(got) > 0 {
		<-got
	}
	mu.Lock()
	lat = lat[:0]
	mu.Unlock()

	start := time.Now()
	sent := 0
	for b.Loop() {
		notify(time.Now().UnixNano())
		if sent++; sent%window == 0 {
			for range clients * window {
				<-got
			}
		}
	}
	for range clients * (sent % window) {
		<-got
	}
	elapsed := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	b.ReportMetric(float64(sent*clients)/elapsed.Seconds(), "msg/s")
	dbtest.ReportLatencies(b, lat)
}
