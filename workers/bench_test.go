package workers_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/workers"
)

// BenchmarkReminderLateness schedules 10,000 reminders (PEYK_BENCH_REMINDERS
// overrides) due across one minute, starting 15 s ahead, runs one worker
// process and reports how late they fired: p50 and p99 of fired_at minus
// due_at. Run it with -benchtime 1x.
func BenchmarkReminderLateness(b *testing.B) {
	total := 10_000
	if n, err := strconv.Atoi(os.Getenv("PEYK_BENCH_REMINDERS")); err == nil && n > 0 {
		total = n
	}
	for range b.N {
		f := newFixture(b)
		ctx := context.Background()
		start := time.Now().Add(15 * time.Second)
		for i := range total {
			due := start.Add(time.Duration(i) * time.Minute / time.Duration(total))
			s, err := f.ib.AddSchedule(ctx, schedule.NewSchedule{Kind: schedule.ScheduleReminder, DueAt: due,
				ConversationID: f.conv, Payload: schedule.Payload{Text: "call back"}})
			if err != nil {
				b.Fatal(err)
			}
			if err := workers.EnqueueSchedule(ctx, f.client, s); err != nil {
				b.Fatal(err)
			}
		}
		if time.Now().After(start) {
			b.Fatal("setup took longer than the lead time")
		}
		srv := workers.NewServer(f.redis, workers.Config{}, f.ib, f.sender, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err := srv.Start(); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		deadline := start.Add(3 * time.Minute)
		for f.count(b, `SELECT count(*) FROM schedules WHERE state = 'pending'`) > 0 {
			if time.Now().After(deadline) {
				b.Fatal("reminders still pending 2 minutes after the last was due")
			}
			time.Sleep(500 * time.Millisecond)
		}
		b.StopTimer()
		srv.Shutdown()
		rows, err := f.pool.Query(ctx, `SELECT extract(epoch FROM fired_at - due_at) * 1000 FROM schedules ORDER BY 1`)
		if err != nil {
			b.Fatal(err)
		}
		var late []float64
		for rows.Next() {
			var ms float64
			if err := rows.Scan(&ms); err != nil {
				b.Fatal(err)
			}
			late = append(late, ms)
		}
		if os.Getenv("PEYK_BENCH_DEBUG") != "" {
			rows, _ := f.pool.Query(ctx, `SELECT extract(epoch FROM due_at - $1::timestamptz), extract(epoch FROM fired_at - due_at) * 1000
				FROM schedules ORDER BY 2 DESC LIMIT 15`, start)
			for rows.Next() {
				var at, ms float64
				_ = rows.Scan(&at, &ms)
				b.Logf("due +%.2fs late %.0fms", at, ms)
			}
			rows.Close()
		}
		slices.Sort(late)
		b.ReportMetric(late[len(late)/2], "p50-ms")
		b.ReportMetric(late[len(late)*99/100], "p99-ms")
		b.ReportMetric(late[len(late)-1], "max-ms")
		b.ReportMetric(late[0], "min-ms")
	}
}

// BenchmarkSMTPDelivery sends 2,000 agent replies (PEYK_BENCH_SENDS
// overrides) through the delivery task and the real email sender to an
// in-process SMTP server, and reports the throughput and the latency from
// the reply to its recorded send.
func BenchmarkSMTPDelivery(b *testing.B) {
	total := 2000
	if n, err := strconv.Atoi(os.Getenv("PEYK_BENCH_SENDS")); err == nil && n > 0 {
		total = n
	}
	for range b.N {
		f := newFixture(b)
		mail := newMailServer(b)
		ctx := context.Background()
		agent := f.agent(b, "bench@shop.ir")
		conv := f.mailConversation(b, "ali@customer.example", "bench@customer.example")
		ids := make([]int64, total)
		for i := range ids {
			id, err := f.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, AuthorID: agent, Text: "Your order ships today. " + strconv.Itoa(i)})
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = id
		}
		srv := workers.NewServer(f.redis, workers.Config{ReconcileEvery: time.Hour}, f.ib, mail, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err := srv.Start(); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		start := time.Now()
		if _, err := f.pool.Exec(ctx, `UPDATE messages SET created_at = now() WHERE status = 'queued'`); err != nil {
			b.Fatal(err)
		}
		for _, id := range ids {
			if err := workers.EnqueueDelivery(ctx, f.client, id, workers.QueueLive); err != nil {
				b.Fatal(err)
			}
		}
		for f.count(b, `SELECT count(*) FROM messages WHERE status = 'queued'`) > 0 {
			if time.Since(start) > 5*time.Minute {
				b.Fatal("sends not done in 5 minutes")
			}
			time.Sleep(20 * time.Millisecond)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		srv.Shutdown()
		if got := len(mail.received()); got != total {
			b.Fatalf("SMTP server got %d mails, want %d", got, total)
		}
		var p50, p99 float64
		err := f.pool.QueryRow(ctx, `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l), percentile_cont(0.99) WITHIN GROUP (ORDER BY l)
			FROM (SELECT extract(epoch FROM status_at - created_at) * 1000 AS l FROM messages WHERE status = 'sent') x`).Scan(&p50, &p99)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(total)/elapsed.Seconds(), "msg/s")
		b.ReportMetric(p50, "p50-ms")
		b.ReportMetric(p99, "p99-ms")
	}
}
