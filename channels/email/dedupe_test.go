package email

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

// syncBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestReceiverSameMessageID: two different mails with one Message-ID are
// both kept and the collision is logged, whether they arrive in one batch
// or apart; the same mail fetched again, or delivered again along another
// route, is stored once; a mail stored before external ids carried a
// digest is not stored again.
func TestReceiverSameMessageID(t *testing.T) {
	t.Parallel()
	var logged syncBuffer
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInboxConfig(t, inbox.Config{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	ctx := context.Background()

	// As the receiver stored mail before: the bare Message-ID.
	err := ib.Ingest(ctx, []channels.Inbound{{ChannelID: ib.channel, ExternalID: "legacy@example.net", Kind: channels.KindEmail,
		From:   channels.Identity{Kind: channels.IdentityEmail, Value: "old@example.net"},
		Thread: channels.Thread{MessageID: "legacy@example.net", Subject: "Old"}, Text: "old"}})
	if err != nil {
		t.Fatal(err)
	}
	first := customerMail("a@example.net", "support@example.com", "Order", "dup@example.net", "", "first mail")
	srv.appendMail(t, first)
	startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", ib)
	ib.waitCount(t, 2)

	srv.appendMail(t, customerMail("a@example.net", "support@example.com", "Order", "dup@example.net", "", "second mail"))
	srv.appendMail(t, first) // the same mail again
	srv.appendMail(t, append([]byte("Received: from mx2.example.net by mx.example.com; Mon, 20 Apr 2026 10:00:05 +0330\r\n"), first...))
	srv.appendMail(t, customerMail("b@example.net", "support@example.com", "One", "twin@example.net", "", "twin one"))
	srv.appendMail(t, customerMail("c@example.net", "support@example.com", "Two", "twin@example.net", "", "twin two"))
	srv.appendMail(t, customerMail("old@example.net", "support@example.com", "Old", "legacy@example.net", "", "old"))
	waitFor(t, "the cursor at UID 7", func() bool {
		cur, _ := parseCursor(ib.cursor(t))
		return cur.last == 7
	})

	for _, c := range []struct {
		msgID  string
		bodies string
	}{
		{"dup@example.net", "first mail|second mail"},
		{"twin@example.net", "twin one|twin two"},
		{"legacy@example.net", "old"},
	} {
		var got string
		err := ib.pool.QueryRow(ctx, `SELECT string_agg(body, '|' ORDER BY body) FROM messages
			WHERE channel_id = $1 AND message_id = $2`, ib.channel, c.msgID).Scan(&got)
		if err != nil || got != c.bodies {
			t.Errorf("mails with Message-ID %s: %q (%v), want %q", c.msgID, got, err, c.bodies)
		}
	}
	if n := ib.count(t); n != 5 {
		t.Errorf("%d messages stored, want 5", n)
	}
	for _, mid := range []string{"dup@example.net", "twin@example.net"} {
		var line string
		for _, l := range strings.Split(logged.String(), "\n") {
			if strings.Contains(l, "rfc_message_id="+mid) {
				line = l
			}
		}
		if !strings.Contains(line, "level=WARN") || !strings.Contains(line, "share a Message-ID") ||
			!strings.Contains(line, "channel_id=") {
			t.Errorf("collision of %s logged as %q, want a warning with channel_id and rfc_message_id", mid, line)
		}
	}
	if strings.Contains(logged.String(), "legacy@example.net") {
		t.Errorf("the re-fetched legacy mail was logged as a collision: %s", logged.String())
	}
}

// TestReceiverUncleanCharset: a body whose charset cannot be decoded
// cleanly is shown as well as it can be and keeps the original attached.
func TestReceiverUncleanCharset(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	// «سلام» in windows-1256, declared as UTF-8 and then as nothing.
	arabic := "\xd3\xe1\xc7\xe3"
	mislabelled := string(customerMail("a@example.net", "support@example.com", "Bad charset",
		"mislabelled@example.net", "", arabic))
	unlabelled := strings.Replace(string(customerMail("b@example.net", "support@example.com", "No charset",
		"unlabelled@example.net", "", arabic)), "; charset=utf-8", "", 1)
	srv.appendMail(t, []byte(mislabelled))
	srv.appendMail(t, []byte(unlabelled))
	srv.appendMail(t, customerMail("c@example.net", "support@example.com", "Fine", "clean@example.net", "", "سلام"))
	startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", ib)
	ib.waitCount(t, 3)
	for _, c := range []struct {
		msgID    string
		original bool
	}{
		{"mislabelled@example.net", true},
		{"unlabelled@example.net", true},
		{"clean@example.net", false},
	} {
		var body string
		var n int64
		err := ib.pool.QueryRow(context.Background(), `SELECT m.body, (SELECT count(*) FROM message_attachments ma
			WHERE ma.message_id = m.id AND ma.name = 'original.eml' AND ma.content_type = 'message/rfc822')
			FROM messages m WHERE m.channel_id = $1 AND m.message_id = $2`, ib.channel, c.msgID).Scan(&body, &n)
		if err != nil {
			t.Fatalf("%s: %v", c.msgID, err)
		}
		if (n == 1) != c.original || body == "" {
			t.Errorf("%s: body %q, original attached %v; want %v", c.msgID, body, n == 1, c.original)
		}
	}
}
