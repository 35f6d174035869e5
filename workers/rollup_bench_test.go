package workers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/workers"
)

// timedRoller records when each roll began and ended.
type timedRoller struct {
	roll  *kpi.Roller
	mu    sync.Mutex
	spans [][2]time.Time
}

func (t *timedRoller) Roll(ctx context.Context) (kpi.Rolled, error) {
	start := time.Now()
	n, err := t.roll.Roll(ctx)
	if err == nil {
		t.mu.Lock()
		t.spans = append(t.spans, [2]time.Time{start, time.Now()})
		t.mu.Unlock()
	}
	return n, err
}

// rolledBy returns the end of the first roll that began at or after
// commit (its snapshot holds the commit), or false when none has yet.
func (t *timedRoller) rolledBy(commit time.Time) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.spans {
		if !s[0].Before(commit) {
			return s[1], true
		}
	}
	return time.Time{}, false
}

// BenchmarkRollupLag runs BenchmarkIngest's load (64 producers, one SMS
// per Ingest call, 100,000 messages from 10,000 senders; PEYK_BENCH_MESSAGES
// overrides) beside one worker running the KPI rollup as `peyk worker`
// does (asynq task, woken by the ingest's NOTIFY, ticking every second),
// and reports the rollup lag: from an Ingest call's commit to the end of
// the first roll that began after it (an upper bound: an earlier roll's
// snapshot may already have held it), p50 and p99, and the ingest rate
// beside it. Run it with -benchtime 1x.
func BenchmarkRollupLag(b *testing.B) {
	total := 100_000
	if n, err := strconv.Atoi(os.Getenv("PEYK_BENCH_MESSAGES")); err == nil && n > 0 {
		total = n
	}
	const producers = 64
	senders := max(1, total/10)
	for iter := range b.N {
		f := newFixture(b)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		roller := &timedRoller{roll: kpi.NewRoller(f.pool)}
		srv := workers.NewServer(f.redis, workers.Config{ReconcileEvery: time.Hour, SLAEvery: time.Hour}, f.ib, f.sender, nil, log)
		srv.EnableRollup(roller, func(ctx context.Context) <-chan struct{} {
			return workers.Listen(ctx, f.pool, inbox.NotifyChannel, log)
		})
		if err := srv.Start(); err != nil {
			b.Fatal(err)
		}
		commits := make([]time.Time, total)
		var next atomic.Int64
		var wg sync.WaitGroup
		b.ResetTimer()
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
					in := channels.Inbound{ChannelID: f.channel, ExternalID: fmt.Sprintf("lag%d-%d", iter, i),
						From: channels.Identity{Kind: channels.IdentityPhone, Value: fmt.Sprintf("0912%07d", i%senders)},
						Text: "سلام، سفارش من کی می\u200cرسد؟ order " + strconv.Itoa(i)}
					if err := f.ib.Ingest(context.Background(), []channels.Inbound{in}); err != nil {
						b.Error(err)
						return
					}
					commits[i] = time.Now()
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		last := slices.MaxFunc(commits, time.Time.Compare)
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if _, ok := roller.rolledBy(last); ok {
				break
			}
			if time.Now().After(deadline) {
				b.Fatal("no roll after the last commit within 30 s")
			}
		}
		b.StopTimer()
		srv.Shutdown()
		lags := make([]time.Duration, total)
		for i, c := range commits {
			end, _ := roller.rolledBy(c)
			lags[i] = end.Sub(c)
		}
		slices.Sort(lags)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		b.ReportMetric(ms(lags[len(lags)/2]), "lag-p50-ms")
		b.ReportMetric(ms(lags[len(lags)*99/100]), "lag-p99-ms")
		b.ReportMetric(float64(total)/elapsed.Seconds(), "msg/s")
		b.ReportMetric(float64(len(roller.spans)), "rolls")
	}
}
