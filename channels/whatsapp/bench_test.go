package whatsapp

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels/whatsapp/whatsapptest"
	"github.com/peykhq/peyk/db/dbtest"
)

// benchMessages is how many notifications BenchmarkWebhookIngest posts
// per run (PEYK_BENCH_MESSAGES overrides 100,000).
func benchMessages() int {
	if n, err := strconv.Atoi(os.Getenv("PEYK_BENCH_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// BenchmarkWebhookIngest posts 100,000 signed WhatsApp notifications of
// one text message each, from 10,000 distinct customers, to the webhook,
// served over HTTP by httptest in front of the real inbox, from 64
// concurrent senders; each request is answered only after its message is
// committed, and each checks the X-Hub-Signature-256 HMAC. Each sender is
// one persistent HTTP/1.1 connection driven by a minimal client (write
// the request, read the response) so that the load generator, which
// shares the machine, takes little of the CPU the server is measured on.
// Run it with -benchtime 1x:
//
//	go test -run '^$' -bench WebhookIngest -benchtime 1x ./channels/whatsapp/
func BenchmarkWebhookIngest(b *testing.B) {
	const senders = 64
	e := newEnv(b)
	srv := httptest.NewServer(NewWebhook(e.ch, whatsapptest.PhoneNumberID, testSecrets, e.ib, nil))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	total := benchMessages()
	users := max(total/10, 1)
	b.ResetTimer()
	for iter := 0; iter < b.N; iter++ {
		b.StopTimer()
		requests := make([][]byte, total)
		now := time.Now()
		for i := range requests {
			user := strconv.Itoa(989120000000 + i%users)
			body := whatsapptest.TextMessage(user, "مشتری "+user, fmt.Sprintf("wamid.BENCH%d.%d", iter, i),
				fmt.Sprintf("سلام، سفارش من کی می\u200cرسد؟ order %d", i), now)
			requests[i] = fmt.Appendf(nil, "POST /whatsapp HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
				"%s: %s\r\nContent-Length: %d\r\n\r\n%s", host, SignatureHeader, e.api.Sign(body), len(body), body)
		}
		lat := make([]time.Duration, total)
		var next atomic.Int64
		var wg sync.WaitGroup
		b.StartTimer()
		start := time.Now()
		for range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := send(host, requests, lat, &next); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.ReportMetric(float64(total)/elapsed.Seconds(), "msg/s")
		dbtest.ReportLatencies(b, lat)
	}
	b.StopTimer()
	if n := e.count(b, `SELECT count(*) FROM messages`); n != total*b.N {
		b.Fatalf("messages = %d, want %d", n, total*b.N)
	}
	if n := e.count(b, `SELECT count(*) FROM contacts`); n != users {
		b.Fatalf("contacts = %d, want %d", n, users)
	}
}

// send posts requests, taking the next index from next, over one
// keep-alive connection, and records each one's latency.
func send(host string, requests [][]byte, lat []time.Duration, next *atomic.Int64) error {
	conn, err := net.Dial("tcp", host)
	if err != nil {
		return err
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		i := int(next.Add(1)) - 1
		if i >= len(requests) {
			return nil
		}
		t0 := time.Now()
		if _, err := conn.Write(requests[i]); err != nil {
			return err
		}
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat[i] = time.Since(t0)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("notification %d: HTTP %d", i, resp.StatusCode)
		}
	}
}
