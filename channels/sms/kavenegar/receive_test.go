package kavenegar_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/kavenegar"
)

func TestReceive(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{replies: map[string][]string{"sms/receive": {"receive.json"}}}
	g := newGateway(t, api, nil)
	batch, err := g.Receive(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(batch) != 3 {
		t.Fatalf("got %d messages, want 3", len(batch))
	}
	first := batch[0]
	want := channels.Inbound{ChannelID: 1, ExternalID: "in-51236985", Kind: channels.KindText,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"},
		Text: "سلام، سفارش ۱۲۳۴ من کجاست؟", SentAt: time.Unix(1700639940, 0).UTC(), Cursor: "51236985"}
	if first.ExternalID != want.ExternalID || first.From != want.From || first.Text != want.Text ||
		!first.SentAt.Equal(want.SentAt) || first.Cursor != want.Cursor || first.Kind != want.Kind ||
		first.Headers["To"] != testLine {
		t.Fatalf("first = %+v\nwant  %+v", first, want)
	}
	if batch[1].Cursor != "51236987" || batch[2].Cursor != "51236990" {
		t.Fatalf("not oldest first: %s %s", batch[1].Cursor, batch[2].Cursor)
	}
	c := api.calledWith()[0]
	if c.form.Get("linenumber") != testLine || c.form.Get("isread") != "0" {
		t.Fatalf("receive form = %v", c.form)
	}
}

// Run polls until stopped, stores what arrives in the real inbox and
// moves the channel cursor with it.
func TestRunIntoInbox(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{replies: map[string][]string{"sms/receive": {"receive.json", "receive_empty.json"}}}
	e := newEnv(t, api)
	g := newGateway(t, api, func(c *kavenegar.Config) { c.ChannelID = e.ch; c.PollSeconds = 1 })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx, "", e.ib) }()
	deadline := time.Now().Add(30 * time.Second)
	for e.count(t, `SELECT count(*) FROM messages WHERE channel_id = $1`, e.ch) < 3 {
		if time.Now().After(deadline) {
			t.Fatal("messages not stored within 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Polls continue at the interval.
	for len(api.calledWith()) < 3 {
		if time.Now().After(deadline) {
			t.Fatal("no further polls")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil when stopped", err)
	}
	ch, err := e.ib.Channel(context.Background(), e.ch)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Cursor != "51236990" {
		t.Fatalf("cursor = %q, want 51236990", ch.Cursor)
	}
	// 0912… and +98912… are one contact; +98935… another.
	if n := e.count(t, `SELECT count(DISTINCT contact_id) FROM conversations`); n != 2 {
		t.Fatalf("contacts with conversations = %d, want 2", n)
	}
}

// Run gives up when Kavenegar refuses the API key, and keeps polling
// through transient failures.
func TestRunErrors(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{replies: map[string][]string{"sms/receive": {"send_409.json", "send_403.json"}}}
	g := newGateway(t, api, func(c *kavenegar.Config) { c.PollSeconds = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := g.Run(ctx, "", &failSink{})
	if !errors.Is(err, channels.ErrPermanent) {
		t.Fatalf("Run = %v, want the permanent 403", err)
	}
	if n := len(api.calledWith()); n != 2 {
		t.Fatalf("polls = %d, want 2 (409, then 403)", n)
	}
}

// A batch the sink fails to store is offered again, not dropped.
func TestRunRetriesSink(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{replies: map[string][]string{"sms/receive": {"receive.json", "receive_empty.json"}}}
	g := newGateway(t, api, func(c *kavenegar.Config) { c.PollSeconds = 1 })
	sink := &failSink{fail: 1, stored: make(chan []channels.Inbound, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() { _ = g.Run(ctx, "", sink) }()
	select {
	case batch := <-sink.stored:
		if len(batch) != 3 {
			t.Fatalf("stored %d messages, want 3", len(batch))
		}
	case <-ctx.Done():
		t.Fatal("the batch was never stored")
	}
	if n := len(api.calledWith()); n < 1 {
		t.Fatal("no poll")
	}
}

// failSink fails its first fail calls, then reports what it stores.
type failSink struct {
	fail   int
	stored chan []channels.Inbound
}

func (s *failSink) Ingest(_ context.Context, batch []channels.Inbound) error {
	if s.fail > 0 {
		s.fail--
		return errors.New("database unavailable")
	}
	if s.stored != nil {
		s.stored <- batch
	}
	return nil
}

func TestRunNeedsLine(t *testing.T) {
	g := newGateway(t, nil, func(c *kavenegar.Config) { c.Sender = "" })
	if err := g.Run(context.Background(), "", &failSink{}); err == nil {
		t.Fatal("Run without a line number returned nil")
	}
}

func (s *failSink) Update(context.Context, []channels.Update) (int, error) { return 0, nil }

func (s *failSink) SetCursor(context.Context, int64, string) error { return nil }
