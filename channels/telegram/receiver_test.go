package telegram

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/telegram/telegramtest"
)

// run starts b.Run in the background and returns a function that stops
// it and returns its error.
func run(t *testing.T, b *Bot, cursor string, sink channels.Store) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, cursor, sink) }()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after cancel")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// Long polling end to end into the inbox: messages become one
// conversation, the offset is stored with them, an edit in the same batch
// changes the message before it is stored, an edit alone moves the cursor
// too, and a restart resumes from the stored cursor without duplicates,
// even when Telegram delivers old updates again.
func TestRunIntoInbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.api.AddFile("AgACAgQAAxkBAAIBLWX-large", "photos/file_7.jpg", []byte("\xff\xd8 jpeg bytes"))
	var raws [][]byte
	for _, name := range []string{"text", "reply", "photo", "edited", "group"} {
		raw, _ := update(t, name)
		raws = append(raws, raw)
		e.api.AddUpdate(raw)
	}
	b := newBot(t, e.api, e.ch)
	stop := run(t, b, "", e.ib)
	waitFor(t, "the first batch", func() bool { return e.cursor(t) == "500011" })
	if n := e.count(t, `SELECT count(*) FROM messages WHERE channel_id = $1`, e.ch); n != 3 {
		t.Fatalf("%d messages, want 3", n)
	}
	if got, want := e.body(t, "7001:42"), "سلام، سفارش ۱۲۳۴ من کی می\u200cرسد؟"; got != want {
		t.Errorf("edited in the same batch: body %q, want %q", got, want)
	}
	var size int
	var name, ctype string
	err := e.pool.QueryRow(context.Background(), `SELECT a.name, a.content_type, a.size FROM message_attachments a
		JOIN messages m ON m.id = a.message_id WHERE m.external_id = '7001:45'`).Scan(&name, &ctype, &size)
	if err != nil || name != "photo.jpg" || ctype != "image/jpeg" || size != len("\xff\xd8 jpeg bytes") {
		t.Errorf("photo attachment: %q %q %d, %v", name, ctype, size, err)
	}

	// An edit alone: applied, and the cursor moves without a message.
	raw, _ := update(t, "edited_caption")
	e.api.AddUpdate(raw)
	waitFor(t, "the edit", func() bool { return e.cursor(t) == "500016" })
	if got, want := e.body(t, "7001:45"), "عکس کالای آسیب\u200cدیده، جعبه هم پاره بود"; got != want {
		t.Errorf("edited alone: body %q, want %q", got, want)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}

	// Restart from the stored cursor with a new message waiting.
	e.api.AddUpdate([]byte(`{"message":{"message_id":60,"from":{"id":7001,"first_name":"سارا"},
		"chat":{"id":7001,"type":"private"},"date":1763801000,"text":"هنوز نرسیده"}}`))
	calls := len(e.api.Calls("getUpdates"))
	stop = run(t, newBot(t, e.api, e.ch), e.cursor(t), e.ib)
	waitFor(t, "the message after the restart", func() bool { return e.cursor(t) == "500017" })
	if got := e.api.Calls("getUpdates")[calls].Params.Get("offset"); got != "500016" {
		t.Errorf("first poll after the restart asked for offset %s, want 500016", got)
	}
	_ = stop()

	// Telegram delivers everything again (a lost cursor, a server restore).
	for _, raw := range raws {
		e.api.AddUpdate(raw)
	}
	stop = run(t, newBot(t, e.api, e.ch), "", e.ib)
	waitFor(t, "the replay", func() bool { return e.api.Pending() == 0 })
	_ = stop()
	if n := e.count(t, `SELECT count(*) FROM messages WHERE channel_id = $1`, e.ch); n != 4 {
		t.Errorf("%d messages after the restarts, want 4", n)
	}
	if n := e.count(t, `SELECT count(*) FROM conversations`); n != 1 {
		t.Errorf("%d conversations, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM contacts`); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}
}

// flakySink fails its first calls, then passes them to the inbox.
type flakySink struct {
	channels.Store
	failures atomic.Int32
}

func (s *flakySink) Ingest(ctx context.Context, batch []channels.Inbound) error {
	if s.failures.Add(-1) >= 0 {
		return errors.New("database is restarting")
	}
	return s.Store.Ingest(ctx, batch)
}

// Failures — of the API, of a download, of the sink — are retried from the
// same offset, so nothing is lost; a webhook left over from webhook mode is
// deleted.
func TestRunRetries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	raw, _ := update(t, "photo")
	e.api.AddUpdate(raw)
	e.api.AddFile("AgACAgQAAxkBAAIBLWX-large", "photos/file_7.jpg", []byte("jpeg"))
	e.api.FailNext("getUpdates", telegramtest.Failure{Code: 502, Description: "Bad Gateway"})
	e.api.FailNext("getUpdates", telegramtest.Failure{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	e.api.FailNext("getFile", telegramtest.Failure{Code: 500, Description: "Internal Server Error"})
	sink := &flakySink{Store: e.ib}
	sink.failures.Store(2)
	b := newBot(t, e.api, e.ch)
	if err := b.SetWebhook(context.Background(), "https://peyk.example.com/hook", "s3cret"); err != nil {
		t.Fatal(err)
	}
	run(t, b, "", sink)
	waitFor(t, "the photo", func() bool { return e.cursor(t) == "500004" })
	if n := e.count(t, `SELECT count(*) FROM message_attachments WHERE size = 4`); n != 1 {
		t.Errorf("%d stored photos, want 1", n)
	}
	if url, _ := e.api.Webhook(); url != "" {
		t.Errorf("webhook %q still set", url)
	}
	if n := len(e.api.Calls("getFile")); n < 2 {
		t.Errorf("%d getFile calls, want the failed one retried", n)
	}
}

// Run returns promptly when its context ends in the middle of a long poll,
// and refuses a cursor that is not an offset.
func TestRunStops(t *testing.T) {
	t.Parallel()
	api := telegramtest.NewServer(t, testToken)
	b := newBot(t, api, 1)
	b.cfg.PollTimeout = Duration(time.Minute)
	stop := run(t, b, "", nopSink{})
	waitFor(t, "a poll", func() bool { return len(api.Calls("getUpdates")) > 0 })
	start := time.Now()
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run took %s to stop", d)
	}
	if err := b.Run(context.Background(), "next", nopSink{}); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("Run with a bad cursor: %v", err)
	}
}

// A stand-in that answers empty polls at once is not hammered.
func TestRunPausesBetweenEmptyPolls(t *testing.T) {
	t.Parallel()
	api := telegramtest.NewServer(t, testToken)
	api.AnswerAtOnce(true)
	b := newBot(t, api, 1)
	b.cfg.PollInterval = Duration(100 * time.Millisecond)
	stop := run(t, b, "", nopSink{})
	waitFor(t, "a poll", func() bool { return len(api.Calls("getUpdates")) > 0 })
	before := len(api.Calls("getUpdates"))
	time.Sleep(500 * time.Millisecond)
	_ = stop()
	if n := len(api.Calls("getUpdates")) - before; n > 10 {
		t.Errorf("%d polls in 500ms with a 100ms pause", n)
	}
}

// nopSink takes everything and keeps nothing.
type nopSink struct{ channels.IngestOnly }

func (nopSink) Ingest(context.Context, []channels.Inbound) error { return nil }

// A file Telegram keeps failing to serve does not hold up the channel: after
// a few attempts the message is stored without it.
func TestRunGivesUpOnFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	raw, _ := update(t, "photo")
	e.api.AddUpdate(raw)
	for range 20 {
		e.api.FailNext("getFile", telegramtest.Failure{Code: 500, Description: "Internal Server Error"})
	}
	run(t, newBot(t, e.api, e.ch), "", e.ib)
	waitFor(t, "the photo", func() bool { return e.cursor(t) == "500004" })
	if n := len(e.api.Calls("getFile")); n != maxAttempts+1 {
		t.Errorf("%d getFile calls, want %d", n, maxAttempts+1)
	}
	var headers string
	err := e.pool.QueryRow(context.Background(), `SELECT headers::text FROM messages WHERE external_id = '7001:45'`).Scan(&headers)
	if err != nil || !strings.Contains(headers, "given up after 5 attempts") {
		t.Errorf("headers %s, %v", headers, err)
	}
	if n := e.count(t, `SELECT count(*) FROM message_attachments WHERE name = 'photo.jpg' AND sha256 IS NULL`); n != 1 {
		t.Errorf("%d photos without content, want 1", n)
	}
}
