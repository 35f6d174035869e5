package email

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
)

// benchMail is a realistic support mail of about 2 KB: multipart/
// alternative, Persian and English, from one of 1,000 customers; from the
// second round on, each replies to the same customer's previous mail.
func benchMail(i int) []byte {
	customer := i % 1000
	var b strings.Builder
	fmt.Fprintf(&b, "From: =?UTF-8?B?2LPYp9ix2Kc=?= %d <customer%d@mail.example.net>\r\n", customer, customer)
	b.WriteString("To: Peyk Support <support@example.com>\r\n")
	fmt.Fprintf(&b, "Subject: =?UTF-8?B?2b7bjNqv24zYsduMINiz2YHYp9ix2LQ=?= %d\r\n", customer)
	fmt.Fprintf(&b, "Date: Mon, 20 Apr 2026 10:%02d:%02d +0330\r\n", i/60%60, i%60)
	fmt.Fprintf(&b, "Message-ID: <bench-%d@mail.example.net>\r\n", i)
	if i >= 1000 {
		fmt.Fprintf(&b, "In-Reply-To: <bench-%d@mail.example.net>\r\nReferences: <bench-%d@mail.example.net>\r\n", i-1000, i-1000)
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n")
	text := strings.Repeat("سلام، سفارش من هنوز نرسیده است. Hello, my order has not arrived yet.\r\n", 8)
	b.WriteString("--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(text)
	b.WriteString("\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div dir=\"rtl\"><p>")
	b.WriteString(strings.ReplaceAll(text, "\r\n", "</p><p>"))
	b.WriteString("</p></div>\r\n--b1--\r\n")
	return []byte(b.String())
}

// benchSize is PEYK_BENCH_MAILS, or def.
func benchSize(b *testing.B, def int) int {
	if s := os.Getenv("PEYK_BENCH_MAILS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("PEYK_BENCH_MAILS=%q", s)
		}
		return n
	}
	return def
}

// timingSink times each batch from the end of the one before (fetch,
// parse and commit) and says when want mails are committed.
type timingSink struct {
	inner *testInbox
	want  int
	done  chan struct{}

	mu    sync.Mutex
	last  time.Time
	count int
	lat   []time.Duration
}

func (s *timingSink) Ingest(ctx context.Context, batch []channels.Inbound) error {
	if err := s.inner.Ingest(ctx, batch); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.lat = append(s.lat, now.Sub(s.last))
	s.last = now
	if s.count += len(batch); s.count >= s.want && s.done != nil {
		close(s.done)
		s.done = nil
	}
	return nil
}

// BenchmarkIMAPIngest reads a 10,000-mail mailbox (PEYK_BENCH_MAILS) from
// go-imap's in-process server into a fresh inbox: msg/s overall, and the
// p50 and p99 time of one batch of BatchSize (100) mails: fetch, parse and
// commit.
func BenchmarkIMAPIngest(b *testing.B) {
	n := benchSize(b, 10000)
	srv := newIMAPServer(b, imapServerOptions{})
	for i := range n {
		srv.appendMail(b, benchMail(i))
	}
	var elapsed time.Duration
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		ib := newTestInbox(b)
		sink := &timingSink{inner: ib, want: n, done: make(chan struct{})}
		done := sink.done
		r := newTestReceiver(b, srv, ib.channel, nil)
		r.log = slog.New(slog.DiscardHandler)
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan struct{})
		b.StartTimer()
		start := time.Now()
		sink.last = start
		go func() { _ = r.Run(ctx, "", sink); close(ran) }()
		select {
		case <-done:
		case <-time.After(10 * time.Minute):
			b.Fatalf("%d of %d mails after 10 minutes", sink.count, n)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		cancel()
		<-ran
		if got := ib.count(b); got != n {
			b.Fatalf("%d messages stored, want %d", got, n)
		}
		lat = append(lat, sink.lat...)
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "msg/s")
	dbtest.ReportLatencies(b, lat)
}

// BenchmarkIDLELatency measures the time from APPEND on the server to the
// mail being visible in the messages table, with the Receiver in IDLE;
// one sample per iteration (-benchtime 50x for 50 samples).
func BenchmarkIDLELatency(b *testing.B) {
	srv := newIMAPServer(b, imapServerOptions{})
	ib := newTestInbox(b)
	r := newTestReceiver(b, srv, ib.channel, nil)
	r.log = slog.New(slog.DiscardHandler)
	r.idleRefresh = time.Hour // only IDLE brings mail in
	srv.appendMail(b, benchMail(0))
	startReceiver(b, r, "", ib)
	ib.waitCount(b, 1)
	ctx := context.Background()
	var lat []time.Duration
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		time.Sleep(20 * time.Millisecond) // back in IDLE, as between real mails
		raw := benchMail(i)
		id := fmt.Sprintf("bench-%d@mail.example.net", i)
		start := time.Now()
		srv.appendMail(b, raw)
		for {
			var ok bool
			err := ib.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE channel_id = $1 AND message_id = $2)`,
				ib.channel, id).Scan(&ok)
			if err != nil {
				b.Fatal(err)
			}
			if ok {
				break
			}
			if time.Since(start) > time.Minute {
				b.Fatalf("mail %s not visible after a minute", id)
			}
			time.Sleep(2 * time.Millisecond)
		}
		lat = append(lat, time.Since(start))
	}
	dbtest.ReportLatencies(b, lat)
}

func (s *timingSink) Update(ctx context.Context, u []channels.Update) (int, error) {
	return s.inner.Update(ctx, u)
}

func (s *timingSink) SetCursor(ctx context.Context, id int64, cursor string) error {
	return s.inner.SetCursor(ctx, id, cursor)
}
