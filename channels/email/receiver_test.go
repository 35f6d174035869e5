package email

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/peykhq/peyk/channels"
)

func TestReceiverConversations(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	first, err := os.ReadFile("testdata/01-gmail-alternative.eml")
	if err != nil {
		t.Fatal(err)
	}
	srv.appendMail(t, first)
	stop := startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", ib)

	ib.waitCount(t, 1)
	const firstID = "CAJ7z9Xk2-1xYvQ_Rg8aBcD3fG+hT0uVwXyZ@mail.gmail.com"
	conv := ib.conversationOf(t, firstID)
	c, err := ib.Conversation(context.Background(), conv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "پیگیری سفارش ۱۲۳۴" || c.Status != "open" {
		t.Errorf("conversation subject %q status %q", c.Subject, c.Status)
	}
	if n := ib.scalar(t, `SELECT count(*) FROM contact_identities WHERE kind = 'email' AND value = 'sara.ahmadi@gmail.com'`); n != 1 {
		t.Errorf("sender identities = %d, want 1", n)
	}
	cur, err := parseCursor(ib.cursor(t))
	if err != nil || cur.validity == 0 || cur.last != 1 {
		t.Errorf("cursor %q (%v), want UIDVALIDITY:1", ib.cursor(t), err)
	}

	// Her reply (In-Reply-To, no token) joins the conversation; a new
	// customer gets a new one. Both arrive through IDLE.
	srv.appendMail(t, customerMail("Sara <sara.ahmadi@gmail.com>", "support@example.com",
		"Re: پیگیری", "reply-1@mail.gmail.com", firstID, "هنوز نرسیده"))
	srv.appendMail(t, customerMail("reza@example.net", "support@example.com", "Hello", "new-1@example.net", "", "hi"))
	ib.waitCount(t, 3)
	if got := ib.conversationOf(t, "reply-1@mail.gmail.com"); got != conv {
		t.Errorf("reply went to conversation %d, want %d", got, conv)
	}
	if got := ib.conversationOf(t, "new-1@example.net"); got == conv {
		t.Error("a new customer's mail joined an existing conversation")
	}
	if cur, _ := parseCursor(ib.cursor(t)); cur.last != 3 {
		t.Errorf("cursor %q, want UID 3", ib.cursor(t))
	}
	if err := stop(); err != context.Canceled {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
}

// killSink stops the receiver at a chosen moment: after the nth Ingest
// commits, or just before the nth Ingest (which then fails on the
// canceled context). It records what it was handed.
type killSink struct {
	inner       *testInbox
	cancel      context.CancelFunc
	afterCommit int
	beforeCall  int

	mu     sync.Mutex
	calls  int
	handed []string
}

func (k *killSink) Ingest(ctx context.Context, batch []channels.Inbound) error {
	k.mu.Lock()
	k.calls++
	n := k.calls
	for _, in := range batch {
		k.handed = append(k.handed, in.Thread.MessageID)
	}
	k.mu.Unlock()
	if n == k.beforeCall {
		k.cancel()
		<-ctx.Done()
	}
	err := k.inner.Ingest(ctx, batch)
	if n == k.afterCommit && err == nil {
		k.cancel()
	}
	return err
}

func TestReceiverKilledAndRestarted(t *testing.T) {
	t.Parallel()
	const total, batch = 35, 10
	for _, c := range []struct {
		name                    string
		afterCommit, beforeCall int
		stored                  int // messages committed when it died
	}{
		{name: "after the first batch commits", afterCommit: 1, stored: batch},
		{name: "while the second batch commits", beforeCall: 2, stored: batch},
		{name: "before anything commits", beforeCall: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newIMAPServer(t, imapServerOptions{})
			ib := newTestInbox(t)
			var want []string
			for i := range total {
				id := fmt.Sprintf("kill-%02d@example.net", i)
				want = append(want, id)
				srv.appendMail(t, customerMail(fmt.Sprintf("c%d@example.net", i%4), "support@example.com",
					fmt.Sprintf("Mail %d", i), id, "", "body"))
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sink := &killSink{inner: ib, cancel: cancel, afterCommit: c.afterCommit, beforeCall: c.beforeCall}
			r := newTestReceiver(t, srv, ib.channel, func(cfg *Config) { cfg.BatchSize = batch })
			if err := r.Run(ctx, "", sink); err != context.Canceled {
				t.Fatalf("Run returned %v", err)
			}
			// An Ingest whose caller gave up may still commit in the
			// background (the inbox says so): read the count and the
			// cursor in one snapshot.
			var stored int
			var cursor string
			err := ib.pool.QueryRow(context.Background(), `SELECT
				(SELECT count(*) FROM messages WHERE channel_id = $1), (SELECT cursor FROM channels WHERE id = $1)`,
				ib.channel).Scan(&stored, &cursor)
			if err != nil {
				t.Fatal(err)
			}
			if stored < c.stored {
				t.Fatalf("%d stored when killed, want at least %d", stored, c.stored)
			}
			cur, _ := parseCursor(cursor)
			if int(cur.last) != stored {
				t.Errorf("cursor %q does not match the %d stored mails", cursor, stored)
			}

			again := &killSink{inner: ib}
			stop := startReceiver(t, newTestReceiver(t, srv, ib.channel, func(cfg *Config) { cfg.BatchSize = batch }), cursor, again)
			ib.waitCount(t, total)
			if err := stop(); err != context.Canceled {
				t.Errorf("second Run returned %v", err)
			}
			if n := ib.scalar(t, `SELECT count(DISTINCT message_id) FROM messages WHERE channel_id = $1 AND message_id = ANY($2)`,
				ib.channel, want); n != total {
				t.Errorf("%d distinct mails stored, want %d", n, total)
			}
			if len(again.handed) != total-stored || again.handed[0] != want[stored] {
				t.Errorf("restart re-read from %q (%d mails), want from %q", again.handed[0], len(again.handed), want[stored])
			}
			if cur, _ := parseCursor(ib.cursor(t)); cur.last != total {
				t.Errorf("final cursor %q", ib.cursor(t))
			}
		})
	}
}

func TestReceiverUIDValidityChange(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	var mails [][]byte
	for i := range 5 {
		mails = append(mails, customerMail("sara@example.net", "support@example.com",
			"Order", fmt.Sprintf("uv-%d@example.net", i), "", "body"))
	}
	mails = append(mails, customerMail("sara@example.net", "support@example.com", "No id", "", "", "a mail without Message-ID"))
	for _, m := range mails {
		srv.appendMail(t, m)
	}
	stop := startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", ib)
	ib.waitCount(t, 6)
	stop()
	before, _ := parseCursor(ib.cursor(t))

	// The server rebuilds the mailbox: same mails, new UIDVALIDITY, and
	// one new mail.
	srv.recreateInbox(t)
	for _, m := range mails {
		srv.appendMail(t, m)
	}
	srv.appendMail(t, customerMail("sara@example.net", "support@example.com", "New", "uv-new@example.net", "", "new"))
	stop = startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), ib.cursor(t), ib)
	waitFor(t, "the new mail", func() bool {
		return ib.scalar(t, `SELECT count(*) FROM messages WHERE message_id = 'uv-new@example.net'`) == 1
	})
	stop()
	if n := ib.count(t); n != 7 {
		t.Errorf("%d messages after the re-sync, want 7 (no duplicates)", n)
	}
	after, _ := parseCursor(ib.cursor(t))
	if after.validity == before.validity || after.last != 7 {
		t.Errorf("cursor went from %v to %v, want the new UIDVALIDITY and UID 7", before, after)
	}
}

func TestReceiverUnreadableMail(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	read := func(name string) []byte {
		raw, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	words := []byte("this is not an email\njust some words a broken script left behind\n")
	srv.appendMail(t, customerMail("a@example.net", "support@example.com", "Before", "before@example.net", "", "first"))
	srv.appendMail(t, read("23-malformed-mime.eml"))
	// go-imap's memory server returns mail whose header it cannot parse
	// empty (BODY[] {0}), as some real servers do; Parse's own tests cover
	// such mail byte for byte.
	srv.appendMail(t, words)
	srv.appendMail(t, read("24-malformed-header.eml"))
	srv.appendMail(t, read("28-binary-garbage.eml"))
	srv.appendMail(t, customerMail("b@example.net", "support@example.com", "After", "after@example.net", "", "last"))
	startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", ib)
	ib.waitCount(t, 6)

	cur, _ := parseCursor(ib.cursor(t))
	empty := func(uid int) string { return fmt.Sprintf("imap:%d:%d", cur.validity, uid) }
	for _, c := range []struct {
		id       string
		text     string
		original bool
	}{
		{"truncated-0001@example.net", "The first part is fine.", true},
		{empty(3), "returned this email empty", false},
		{empty(4), "returned this email empty", false},
		{empty(5), "returned this email empty", false},
		{"after@example.net", "last", false},
	} {
		var body string
		var original int64
		err := ib.pool.QueryRow(context.Background(), `SELECT m.body,
			(SELECT count(*) FROM message_attachments ma WHERE ma.message_id = m.id AND ma.name = 'original.eml')
			FROM messages m WHERE m.channel_id = $1 AND (m.external_id = $2 OR m.message_id = $2)`, ib.channel, c.id).Scan(&body, &original)
		if err != nil {
			t.Errorf("message %s: %v", c.id, err)
			continue
		}
		if !strings.Contains(body, c.text) || (original == 1) != c.original {
			t.Errorf("message %s: body %q, original attached %v; want %q and %v", c.id, body, original == 1, c.text, c.original)
		}
	}
}

func TestReceiverIdle(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	srv.appendMail(t, customerMail("a@example.net", "support@example.com", "One", "idle-1@example.net", "", "1"))
	// Neither IDLE refresh nor polling happens within the test: only an
	// EXISTS during IDLE can bring the second mail in.
	r := newTestReceiver(t, srv, ib.channel, nil)
	r.idleRefresh = time.Hour
	startReceiver(t, r, "", ib)
	ib.waitCount(t, 1)
	time.Sleep(500 * time.Millisecond) // let it enter IDLE
	start := time.Now()
	srv.appendMail(t, customerMail("a@example.net", "support@example.com", "Two", "idle-2@example.net", "", "2"))
	ib.waitCount(t, 2)
	t.Logf("APPEND to stored: %v", time.Since(start))
}

func TestReceiverPollsWithoutIdle(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{noIdle: true})
	ib := newTestInbox(t)
	r := newTestReceiver(t, srv, ib.channel, func(cfg *Config) { cfg.PollInterval = Duration(50 * time.Millisecond) })
	startReceiver(t, r, "", ib)
	time.Sleep(100 * time.Millisecond)
	srv.appendMail(t, customerMail("a@example.net", "support@example.com", "Polled", "poll-1@example.net", "", "1"))
	ib.waitCount(t, 1)
}

func TestReceiverReconnects(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", ib)
	srv.appendMail(t, customerMail("a@example.net", "support@example.com", "One", "rc-1@example.net", "", "1"))
	ib.waitCount(t, 1)
	srv.ln.closeConns() // the server drops the IDLE connection
	srv.appendMail(t, customerMail("a@example.net", "support@example.com", "Two", "rc-2@example.net", "", "2"))
	ib.waitCount(t, 2)
}

func TestReceiverBadPasswordKeepsTrying(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	srv.appendMail(t, customerMail("a@example.net", "support@example.com", "One", "bp-1@example.net", "", "1"))
	r := newTestReceiver(t, srv, ib.channel, nil)
	r.sec.IMAPPassword = "wrong"
	stop := startReceiver(t, r, "not a cursor", ib)
	time.Sleep(300 * time.Millisecond)
	if err := stop(); err != context.Canceled {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
	if n := ib.count(t); n != 0 {
		t.Errorf("%d messages stored without logging in", n)
	}
}

func TestReceiverBounceUpdates(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	dsn, err := os.ReadFile("testdata/20-dsn-postfix.eml")
	if err != nil {
		t.Fatal(err)
	}
	srv.appendMail(t, dsn)
	startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", ib)
	ib.waitCount(t, 1)
	ups := ib.recorded()
	if len(ups) != 1 || ups[0].ChannelID != ib.channel || ups[0].MessageID != "peyk.90.ee55ff66@example.com" ||
		ups[0].Status != channels.StatusFailed || !strings.Contains(ups[0].Error, "User unknown") {
		t.Errorf("updates = %+v", ups)
	}
	var auto bool
	var status string
	err = ib.pool.QueryRow(context.Background(), `SELECT m.auto_reply, c.status FROM messages m
		JOIN conversations c ON c.id = m.conversation_id`).Scan(&auto, &status)
	if err != nil || !auto || status != "resolved" {
		t.Errorf("bounce stored auto_reply=%v in a %q conversation (%v); want an auto-reply filed resolved", auto, status, err)
	}
}

// rejectSink refuses any batch holding one external id, as the inbox
// refuses a batch with one invalid message.
type rejectSink struct {
	*testInbox
	reject string
}

func (s rejectSink) Ingest(ctx context.Context, batch []channels.Inbound) error {
	for _, in := range batch {
		if in.Thread.MessageID == s.reject {
			return fmt.Errorf("inbox: message %q: sender: %w", in.ExternalID, channels.ErrInvalid)
		}
	}
	return s.testInbox.Ingest(ctx, batch)
}

func TestReceiverRefusedMailDoesNotBlock(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	for _, id := range []string{"ok-1@example.net", "refused@example.net", "ok-2@example.net"} {
		srv.appendMail(t, customerMail("a@example.net", "support@example.com", "Mail", id, "", "body of "+id))
	}
	startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", rejectSink{ib, "refused@example.net"})
	ib.waitCount(t, 3)
	var body string
	err := ib.pool.QueryRow(context.Background(), `SELECT body FROM messages
		WHERE external_id LIKE 'sha256:%' AND channel_id = $1`, ib.channel).Scan(&body)
	if err != nil || !strings.Contains(body, "could not be read") || !strings.Contains(body, "sender: invalid") {
		t.Errorf("refused mail stored as %q (%v)", body, err)
	}
	if cur, _ := parseCursor(ib.cursor(t)); cur.last != 3 {
		t.Errorf("cursor %q, want UID 3", ib.cursor(t))
	}
}

func TestReceiverLargeMail(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	small := func(i int) []byte {
		return customerMail("a@example.net", "support@example.com", "Small", fmt.Sprintf("small-%d@example.net", i), "", "hi")
	}
	for i := range 4 {
		srv.appendMail(t, small(i))
	}
	srv.appendMail(t, customerMail("big@example.net", "support@example.com", "Scans", "big@example.net", "",
		strings.Repeat("A scanned page. ", 400)))
	srv.appendMail(t, small(4))
	r := newTestReceiver(t, srv, ib.channel, nil)
	r.maxBatchBytes, r.maxMailBytes = 700, 3000 // two small mails a fetch; the big one alone
	startReceiver(t, r, "", ib)
	ib.waitCount(t, 6)
	var body, subject string
	err := ib.pool.QueryRow(context.Background(), `SELECT body, subject FROM messages WHERE message_id = 'big@example.net'`).Scan(&body, &subject)
	if err != nil || body != tooLarge || subject != "Scans" {
		t.Errorf("large mail stored as %q, %q (%v)", subject, body, err)
	}
	if cur, _ := parseCursor(ib.cursor(t)); cur.last != 6 {
		t.Errorf("cursor %q, want UID 6", ib.cursor(t))
	}
}

func TestGroup(t *testing.T) {
	r := &Receiver{maxBatchBytes: 100, maxMailBytes: 150}
	sizes := map[imap.UID]int64{1: 40, 2: 40, 3: 40, 4: 200, 5: 90, 6: 10, 7: 100}
	got := r.group([]imap.UID{1, 2, 3, 4, 5, 6, 7}, sizes)
	want := []fetchGroup{{uids: []imap.UID{1, 2}}, {uids: []imap.UID{3}}, {uids: []imap.UID{4}, headerOnly: true},
		{uids: []imap.UID{5, 6}}, {uids: []imap.UID{7}}}
	if !slices.EqualFunc(got, want, func(a, b fetchGroup) bool {
		return slices.Equal(a.uids, b.uids) && a.headerOnly == b.headerOnly
	}) {
		t.Errorf("group = %v, want %v", got, want)
	}
}

func (k *killSink) Update(ctx context.Context, u []channels.Update) (int, error) {
	return k.inner.Update(ctx, u)
}

func (k *killSink) SetCursor(ctx context.Context, id int64, cursor string) error {
	return k.inner.SetCursor(ctx, id, cursor)
}
