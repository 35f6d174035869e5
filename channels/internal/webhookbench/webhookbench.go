// Package webhookbench drives the channels' webhook ingest benchmarks:
// many senders, each one persistent HTTP/1.1 connection driven by a
// minimal client (write the request, read the response), so that the load
// generator, which shares the machine, takes little of the CPU the server
// is measured on.
package webhookbench

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"
)

// Messages is how many calls a benchmark posts per run: PEYK_BENCH_MESSAGES,
// else def.
func Messages(def int) int {
	if n, err := strconv.Atoi(os.Getenv("PEYK_BENCH_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return def
}

// Post sends the raw HTTP requests to host from senders connections at
// once, each request expecting 200, and reports the throughput (msg/s)
// and the latency percentiles. The benchmark's timer runs while it posts.
func Post(b *testing.B, host string, requests [][]byte, senders int) {
	b.Helper()
	lat := make([]time.Duration, len(requests))
	var next atomic.Int64
	var wg sync.WaitGroup
	b.StartTimer()
	start := time.Now()
	for range senders {
		wg.Go(func() {
			if err := send(host, requests, lat, &next); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.ReportMetric(float64(len(requests))/elapsed.Seconds(), "msg/s")
	dbtest.ReportLatencies(b, lat)
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
			return fmt.Errorf("call %d: HTTP %d", i, resp.StatusCode)
		}
	}
}
