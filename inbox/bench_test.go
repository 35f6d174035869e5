package inbox_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
)

// benchMessages is how many messages BenchmarkIngest sends per run
// (PEYK_BENCH_MESSAGES overrides 100,000); senders are a tenth of that.
func benchMessages() int {
	if n, err := strconv.Atoi(os.Getenv("PEYK_BENCH_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// BenchmarkIngest ingests 100,000 SMS messages from 10,000 distinct senders,
// one message per Ingest call, each committed before the call returns,
// with 1 and with 64 concurrent producers. Run it with -benchtime 1x.
func BenchmarkIngest(b *testing.B) {
	for _, producers := range []int{1, 64} {
		b.Run(fmt.Sprintf("producers=%d", producers), func(b *testing.B) {
			e := newEnv(b)
			total := benchMessages()
			senders := total / 10
			b.ResetTimer()
			for iter := 0; iter < b.N; iter++ {
				lat := make([]time.Duration, total)
				var next atomic.Int64
				var wg sync.WaitGroup
				start := time.Now()
				for range producers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := int(next.Add(1)) - 1
							if i >= total {
								return
							}
							in := channels.Inbound{ChannelID: e.sms, ExternalID: fmt.Sprintf("b%d-%d", iter, i),
								From: channels.Identity{Kind: channels.IdentityPhone, Value: fmt.Sprintf("0912%07d", i%senders)},
								Text: "سلام، سفارش من کی می\u200cرسد؟ order " + strconv.Itoa(i)}
							t0 := time.Now()
							if err := e.ib.Ingest(context.Background(), []channels.Inbound{in}); err != nil {
								b.Error(err)
								return
							}
							lat[i] = time.Since(t0)
						}
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.ReportMetric(float64(total)/elapsed.Seconds(), "msg/s")
				dbtest.ReportLatencies(b, lat)
			}
			b.StopTimer()
			if n := e.count(b, `SELECT count(*) FROM contacts`); n != senders {
				b.Fatalf("contacts = %d, want %d", n, senders)
			}
		})
	}
}
