package workers_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/workers"
	"github.com/peykhq/peyk/workers/redistest"
)

// scriptSender is a channel sender whose behaviour the message text picks:
// "perm…" fails permanently, "flaky…" fails once, "wait…" asks for a
// retry after a second once; anything else is sent.
type scriptSender struct {
	mu    sync.Mutex
	calls map[int64]int
	sent  []channels.Outbound
}

func (s *scriptSender) Send(_ context.Context, m channels.Outbound) (channels.SendResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[m.MessageID]++
	n := s.calls[m.MessageID]
	switch {
	case strings.HasPrefix(m.Text, "perm"):
		return channels.SendResult{}, fmt.Errorf("550 no such user: %w", channels.ErrPermanent)
	case strings.HasPrefix(m.Text, "flaky") && n == 1:
		return channels.SendResult{}, errors.New("451 try again later")
	case strings.HasPrefix(m.Text, "wait") && n == 1:
		return channels.SendResult{}, &channels.RetryAfterError{After: time.Second, Err: errors.New("429 too many requests")}
	}
	s.sent = append(s.sent, m)
	return channels.SendResult{ExternalID: fmt.Sprintf("ext-%d", m.MessageID)}, nil
}

func (s *scriptSender) Sender(context.Context, int64) (channels.Sender, error) { return s, nil }

type fixture struct {
	pool    *pgxpool.Pool
	channel int64
	ib      *inbox.Inbox
	conv    int64
	redis   asynq.RedisClientOpt
	client  *asynq.Client
	sender  *scriptSender
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	pool := dbtest.NewConfig(t, func(c *pgxpool.Config) { c.MaxConns = db.DefaultMaxConns })
	ib := inbox.New(pool, inbox.Config{}, nil)
	ctx := context.Background()
	ch, err := ib.CreateChannel(ctx, channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = ib.Ingest(ctx, []channels.Inbound{{ChannelID: ch, ExternalID: "in-1", Text: "salam",
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}}})
	if err != nil {
		t.Fatal(err)
	}
	convs, err := ib.ContactConversations(ctx, 1)
	if err != nil || len(convs) != 1 {
		t.Fatalf("conversations: %v %v", convs, err)
	}
	opt := redistest.New(t)
	r := asynq.RedisClientOpt{Addr: opt.Addr, DB: opt.DB, Password: opt.Password}
	c := asynq.NewClient(r)
	t.Cleanup(func() { c.Close() })
	return fixture{pool: pool, channel: ch, ib: ib, conv: convs[0].ID, redis: r, client: c, sender: &scriptSender{calls: map[int64]int{}}}
}

func (f fixture) start(t *testing.T) *workers.Server {
	t.Helper()
	srv := workers.NewServer(f.redis, workers.Config{Backoff: func(int) time.Duration { return 200 * time.Millisecond },
		ReconcileEvery: 500 * time.Millisecond, SLAEvery: 300 * time.Millisecond}, f.ib, f.sender, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	return srv
}

func (f fixture) reply(t *testing.T, text string) int64 {
	t.Helper()
	id, err := f.ib.AddReply(context.Background(), inbox.Reply{ConversationID: f.conv, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitStatus waits until message id has status want.
func (f fixture) waitStatus(t *testing.T, id int64, want string) inbox.Delivery {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		d, err := f.ib.Delivery(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == want {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %d: status %s after 15s, want %s", id, d.Status, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDelivery(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.start(t)
	ctx := context.Background()
	cases := []struct {
		text     string
		status   string
		attempts int
	}{
		{"hello", "sent", 1},
		{"flaky then fine", "sent", 2},
		{"wait for the provider", "sent", 2},
		{"perm: the number is wrong", "failed", 1},
	}
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			id := f.reply(t, tc.text)
			// Enqueued twice (the API and a reconciler racing): sent once.
			for range 2 {
				if err := workers.EnqueueDelivery(ctx, f.client, id, workers.QueueDefault); err != nil {
					t.Fatal(err)
				}
			}
			d := f.waitStatus(t, id, tc.status)
			if d.Attempts != tc.attempts {
				t.Fatalf("attempts = %d, want %d", d.Attempts, tc.attempts)
			}
		})
	}
	f.sender.mu.Lock()
	defer f.sender.mu.Unlock()
	if len(f.sender.sent) != 3 {
		t.Fatalf("sent %d messages, want 3", len(f.sender.sent))
	}
	if to := f.sender.sent[0].To; to.Kind != channels.IdentityPhone || to.Value != "+989121234567" {
		t.Fatalf("sent to %+v", to)
	}
	if f.sender.sent[0].Thread.InReplyTo != "in-1" {
		t.Fatalf("reply to %q, want the customer's message", f.sender.sent[0].Thread.InReplyTo)
	}
}

// TestReconcileAfterRedisLoss: a reply whose task Redis lost (flushed
// before a worker ran) is still delivered, once.
func TestReconcileAfterRedisLoss(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.reply(t, "lost in redis")
	if err := workers.EnqueueDelivery(context.Background(), f.client, id, workers.QueueDefault); err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: f.redis.Addr, DB: f.redis.DB})
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	rdb.Close()
	f.start(t)
	f.start(t) // a second worker process: still one send
	f.waitStatus(t, id, "sent")
	time.Sleep(time.Second) // let the reconcilers run again
	f.sender.mu.Lock()
	defer f.sender.mu.Unlock()
	if f.sender.calls[id] != 1 {
		t.Fatalf("sent %d times, want once", f.sender.calls[id])
	}
}

func (f fixture) agent(t testing.TB, email string) int64 {
	t.Helper()
	var id int64
	err := f.pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role) VALUES ($1, $1, 'agent') RETURNING id`,
		email).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
