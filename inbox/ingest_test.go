package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

type env struct {
	pool *pgxpool.Pool
	ib   *inbox.Inbox
	sms  int64 // an SMS channel
	mail int64 // an email channel
}

func newEnv(t testing.TB) env {
	t.Helper()
	pool := dbtest.New(t)
	ib := inbox.New(pool, inbox.Config{}, nil)
	ctx := context.Background()
	sms, err := ib.CreateChannel(ctx, channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	mail, err := ib.CreateChannel(ctx, channels.Email, "support", nil)
	if err != nil {
		t.Fatal(err)
	}
	return env{pool: pool, ib: ib, sms: sms, mail: mail}
}

func (e env) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	return dbtest.Count(t, e.pool, sql, args...)
}

func smsFrom(ch int64, phone, ext string) channels.Inbound {
	return channels.Inbound{ChannelID: ch, ExternalID: ext, Kind: channels.KindText,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: phone}, Text: "salam " + ext}
}

func TestIngestNewSender(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	in := smsFrom(e.sms, "0912 345 6789", "sm-1")
	in.From.Name = "Sara"
	in.Cursor = "c1"
	if err := e.ib.Ingest(ctx, []channels.Inbound{in}); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT count(*) FROM contact_identities WHERE kind = 'phone' AND value = '+989123456789'`); n != 1 {
		t.Fatalf("identities = %d, want 1", n)
	}
	var status string
	var unread int
	var waiting *time.Time
	err := e.pool.QueryRow(ctx, `SELECT status, unread, waiting_since FROM conversations`).Scan(&status, &unread, &waiting)
	if err != nil {
		t.Fatal(err)
	}
	if status != "open" || unread != 1 || waiting == nil {
		t.Fatalf("conversation = %s unread %d waiting %v", status, unread, waiting)
	}
	ch, err := e.ib.Channel(ctx, e.sms)
	if err != nil || ch.Cursor != "c1" {
		t.Fatalf("cursor = %q, %v", ch.Cursor, err)
	}
	var name string
	if err := e.pool.QueryRow(ctx, `SELECT name FROM contacts`).Scan(&name); err != nil || name != "Sara" {
		t.Fatalf("contact name = %q, %v", name, err)
	}
}

func TestIngestTwiceAddsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	var batch []channels.Inbound
	for i := range 50 {
		batch = append(batch, smsFrom(e.sms, fmt.Sprintf("+98912000%04d", i%7), fmt.Sprintf("m%d", i)))
	}
	batch = append(batch, batch[3]) // a repeat inside the batch
	n, err := e.ib.IngestCount(ctx, batch)
	if err != nil || n != 50 {
		t.Fatalf("first ingest: %d new, %v", n, err)
	}
	before := e.count(t, `SELECT (SELECT count(*) FROM messages) * 1000 + (SELECT count(*) FROM conversations)`)
	n, err = e.ib.IngestCount(ctx, batch)
	if err != nil || n != 0 {
		t.Fatalf("second ingest: %d new, %v", n, err)
	}
	after := e.count(t, `SELECT (SELECT count(*) FROM messages) * 1000 + (SELECT count(*) FROM conversations)`)
	if before != after || before != 50*1000+7 {
		t.Fatalf("rows before %d after %d, want 50007", before, after)
	}
	if u := e.count(t, `SELECT sum(unread) FROM conversations`); u != 50 {
		t.Fatalf("unread = %d, want 50", u)
	}
}

func TestConcurrentFirstMessagesOneContact(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A second Inbox on the same database stands for a second process.
	other := inbox.New(e.pool, inbox.Config{}, nil)
	forms := []string{"09123456789", "+989123456789", "00989123456789", "989123456789", "۰۹۱۲۳۴۵۶۷۸۹", "٠٩١٢٣٤٥٦٧٨٩"}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ib := e.ib
			if i%2 == 1 {
				ib = other
			}
			in := smsFrom(e.sms, forms[i%len(forms)], fmt.Sprintf("first-%d", i))
			errs <- ib.Ingest(context.Background(), []channels.Inbound{in})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM contacts`); n != 1 {
		t.Errorf("contacts = %d, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM conversations`); n != 1 {
		t.Errorf("conversations = %d, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 100 {
		t.Errorf("messages = %d, want 100", n)
	}
}

func TestFailedBatchWritesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	good := smsFrom(e.sms, "09120000001", "ok-1")
	good.Cursor = "moved"
	bad := smsFrom(e.sms+1000, "09120000002", "bad-1") // no such channel: fails in the transaction
	err := e.ib.Ingest(ctx, []channels.Inbound{good, bad})
	if !errors.Is(err, inbox.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	for _, table := range []string{"messages", "conversations", "contacts", "contact_identities"} {
		if n := e.count(t, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s has %d rows after a failed batch", table, n)
		}
	}
	ch, _ := e.ib.Channel(ctx, e.sms)
	if ch.Cursor != "" {
		t.Errorf("cursor moved to %q", ch.Cursor)
	}

	// A failing caller shares a group with good ones: only it fails.
	var wg sync.WaitGroup
	results := make([]error, 40)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := smsFrom(e.sms, fmt.Sprintf("0912000%04d", i), fmt.Sprintf("g-%d", i))
			if i == 7 {
				in.ChannelID = e.sms + 1000
			}
			results[i] = e.ib.Ingest(ctx, []channels.Inbound{in})
		}()
	}
	wg.Wait()
	for i, err := range results {
		if (i == 7) != (err != nil) {
			t.Errorf("caller %d: err = %v", i, err)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 39 {
		t.Errorf("messages = %d, want 39", n)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	phone := channels.Identity{Kind: channels.IdentityPhone, Value: "09121112222"}
	rejected := []struct {
		name string
		in   channels.Inbound
	}{
		{"no external id", channels.Inbound{ChannelID: e.sms, From: phone}},
		{"blank external id", channels.Inbound{ChannelID: e.sms, ExternalID: "  ", From: phone}},
		{"no channel", channels.Inbound{ExternalID: "x", From: phone}},
		{"unparseable phone", channels.Inbound{ChannelID: e.sms, ExternalID: "x",
			From: channels.Identity{Kind: channels.IdentityPhone, Value: "not a number"}}},
		{"no sender", channels.Inbound{ChannelID: e.sms, ExternalID: "x"}},
		{"bad direction", channels.Inbound{ChannelID: e.sms, ExternalID: "x", From: phone, Direction: "sideways"}},
		{"invalid utf-8 id", channels.Inbound{ChannelID: e.sms, ExternalID: "x\xff", From: phone}},
	}
	for _, tc := range rejected {
		t.Run(tc.name, func(t *testing.T) {
			good := smsFrom(e.sms, "09121110000", "good-"+tc.name)
			err := e.ib.Ingest(ctx, []channels.Inbound{good, tc.in})
			if !errors.Is(err, inbox.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 0 {
		t.Fatalf("rejected batches wrote %d messages", n)
	}

	t.Run("fallbacks", func(t *testing.T) {
		huge := strings.Repeat("سلام ", 2<<20) // 10 MiB of Persian text
		batch := []channels.Inbound{
			{ChannelID: e.sms, ExternalID: "utf8", From: phone, Text: "bad \xff\xfe byte and NUL \x00"},
			{ChannelID: e.sms, ExternalID: "huge", From: phone, Text: huge},
		}
		if err := e.ib.Ingest(ctx, batch); err != nil {
			t.Fatal(err)
		}
		var body string
		if err := e.pool.QueryRow(ctx, `SELECT body FROM messages WHERE external_id = 'utf8'`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if body != "bad \uFFFD byte and NUL " {
			t.Errorf("body = %q", body)
		}
		var size int
		var truncated bool
		err := e.pool.QueryRow(ctx, `SELECT octet_length(body), truncated FROM messages WHERE external_id = 'huge'`).
			Scan(&size, &truncated)
		if err != nil || !truncated || size > 1<<20 || size < 1<<20-8 {
			t.Errorf("huge body: %d bytes, truncated %v, %v", size, truncated, err)
		}
	})
}
