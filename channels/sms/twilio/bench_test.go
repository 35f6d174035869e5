package twilio_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels/internal/webhookbench"
	"github.com/peykhq/peyk/db/dbtest"
)

// BenchmarkTwilioWebhookIngest has 64 concurrent senders POST signed
// Twilio inbound webhooks to the handler on an httptest server backed by
// the real inbox; each request returns only after its message is
// committed. It reports throughput and latency percentiles. Run it with
// -benchtime 1x:
//
//	PEYK_BENCH_MESSAGES=50000 go test ./channels/sms/twilio -run '^$' -bench TwilioWebhookIngest -benchtime 1x
func BenchmarkTwilioWebhookIngest(b *testing.B) {
	const senders = 64
	e := newEnv(b, nil)
	total := webhookbench.Messages(50_000) // senders are a tenth
	phones := max(total/10, 1)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders, MaxConnsPerHost: senders}}
	b.ResetTimer()
	for iter := 0; iter < b.N; iter++ {
		b.StopTimer()
		bodies, sigs := make([]string, total), make([]string, total)
		for i := range total {
			form := url.Values{
				"MessageSid": {fmt.Sprintf("SMb%d-%d", iter, i)}, "AccountSid": {testSID},
				"From": {fmt.Sprintf("+98912%07d", i%phones)}, "To": {"+14155552671"},
				"Body": {"سلام، سفارش من کی می\u200cرسد؟ order " + strconv.Itoa(i)}, "NumMedia": {"0"},
			}
			bodies[i], sigs[i] = form.Encode(), e.sign(inPath, form)
		}
		lat := make([]time.Duration, total)
		var next atomic.Int64
		var wg sync.WaitGroup
		b.StartTimer()
		start := time.Now()
		for range senders {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= total {
						return
					}
					req, _ := http.NewRequest(http.MethodPost, e.srv.URL+inPath, strings.NewReader(bodies[i]))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("X-Twilio-Signature", sigs[i])
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					lat[i] = time.Since(t0)
					if resp.StatusCode != http.StatusOK {
						b.Errorf("webhook %d: HTTP %d", i, resp.StatusCode)
						return
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		b.ReportMetric(float64(total)/elapsed.Seconds(), "msg/s")
		dbtest.ReportLatencies(b, lat)
		b.StartTimer()
	}
	b.StopTimer()
	if n := e.count(b, `SELECT count(*) FROM messages`); n != total*b.N {
		b.Fatalf("messages = %d, want %d", n, total*b.N)
	}
}
