package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/peykhq/peyk/db/dbtest"
)

// TestDemo starts the demo on a fresh database, checks that every channel
// kind brought conversations in through its adapter, that Sara's SMS,
// Telegram and calls are one contact (with a call-back reminder for her
// agent), that a mail answering an earlier one joins its thread, that an
// agent's email reply was delivered to the SMTP stand-in and that the
// customers answer the agents; then starts it again and checks that
// nothing was duplicated and that the trickle goes on.
func TestDemo(t *testing.T) {
	cfg := config{DatabaseURL: freshDatabase(t), RedisURL: redisURL(t), HTTPAddr: "127.0.0.1:0", LogLevel: "warn"}

	var first map[string]int
	out := startDemo(t, cfg, 0, func(t *testing.T, d *demoRun) {
		pool := d.a.pool
		t.Run("every channel kind", func(t *testing.T) {
			for kind, id := range map[string]int64{"email": d.chans.Email, "telegram": d.chans.Telegram, "sms": d.chans.SMS, "phone": d.chans.Phone} {
				if n := dbtest.Count(t, pool, `SELECT count(*) FROM conversations WHERE channel_id = $1`, id); n < 3 {
					t.Errorf("%s: %d conversations, want at least 3", kind, n)
				}
			}
			if n := dbtest.Count(t, pool, `SELECT count(*) FROM conversations`); n < 18 {
				t.Errorf("%d conversations, want about 20", n)
			}
			if n := dbtest.Count(t, pool, `SELECT count(*) FROM message_attachments`); n < 2 {
				t.Errorf("%d attachments, want the invoice and the photo", n)
			}
		})
		t.Run("one contact across telegram, sms and calls", func(t *testing.T) {
			var contact int64
			if err := pool.QueryRow(context.Background(), `SELECT contact_id FROM contact_identities
				WHERE kind = 'telegram' AND value = '710001'`).Scan(&contact); err != nil {
				t.Fatal(err)
			}
			if n := dbtest.Count(t, pool, `SELECT count(*) FROM contacts WHERE id = $1 AND name = $2`, contact, newDemoPeople().Sara.Name()); n != 1 {
				t.Errorf("Sara's contact is not named")
			}
			if n := dbtest.Count(t, pool, `SELECT count(*) FROM contact_identities WHERE contact_id = $1 AND kind = 'phone' AND value = '+989121234567'`, contact); n != 1 {
				t.Errorf("Sara's phone is not on her Telegram contact")
			}
			if n := dbtest.Count(t, pool, `SELECT count(DISTINCT ch.kind) FROM conversations c JOIN channels ch ON ch.id = c.channel_id
				WHERE c.contact_id = $1 AND ch.kind IN ('telegram', 'sms', 'phone')`, contact); n != 3 {
				t.Errorf("Sara's contact has conversations on %d of telegram, sms and phone", n)
			}
			if n := dbtest.Count(t, pool, `SELECT count(*) FROM schedules s JOIN conversations c ON c.id = s.conversation_id
				WHERE s.kind = 'reminder' AND c.contact_id = $1 AND s.user_id IS NOT NULL`, contact); n != 1 {
				t.Errorf("%d call-back reminders for Sara's assignee, want 1", n)
			}
		})
		t.Run("a mail answering an earlier one joins its thread", func(t *testing.T) {
			p := newDemoPeople()
			first, err1 := conversationOf(context.Background(), d.a, d.customers, demoBurst(p)[1])
			reply, err2 := conversationOf(context.Background(), d.a, d.customers, demoFollowups(p)[0])
			if err1 != nil || err2 != nil || first != reply {
				t.Errorf("Ali's mails are in conversations %d and %d (%v %v)", first, reply, err1, err2)
			}
		})
		t.Run("email reply delivered", func(t *testing.T) {
			waitFor(t, "the reply to Ali through the SMTP stand-in", func() bool {
				for _, m := range d.smtp.mails() {
					if len(m.To) == 1 && m.To[0] == "ali.rezaei@example.ir" && bytes.Contains(m.Data, []byte("In-Reply-To:")) {
						return true
					}
				}
				return false
			})
			waitFor(t, "every demo reply sent", func() bool {
				return dbtest.Count(t, pool, `SELECT count(*) FROM messages WHERE direction = 'out' AND kind IN ('text', 'email') AND status IN ('sent', 'delivered')`) == len(demoReplies())
			}, func() {
				rows, _ := pool.Query(context.Background(), `SELECT id, kind, status, error FROM messages WHERE direction = 'out'`)
				for rows.Next() {
					var id int64
					var kind, status, err string
					_ = rows.Scan(&id, &kind, &status, &err)
					t.Logf("message %d %s %s %s", id, kind, status, err)
				}
				rows.Close()
			})
			if n := len(d.bot.Calls("sendMessage")); n != 2 {
				t.Errorf("%d Telegram sends, want 2", n)
			}
		})
		t.Run("customers answer the agents", func(t *testing.T) {
			p := newDemoPeople()
			ids := make(map[string]int64)
			for _, e := range demoBurst(p) {
				ids[e.ID], _ = conversationOf(context.Background(), d.a, d.customers, e)
			}
			waitFor(t, "an answer to every agent's message", func() bool {
				for _, r := range demoReplies() {
					if dbtest.Count(t, pool, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND direction = 'in'
						AND created_at > (SELECT max(created_at) FROM messages WHERE conversation_id = $1 AND direction = 'out' AND kind IN ('text', 'email'))`,
						ids[r.To]) == 0 {
						return false
					}
				}
				return true
			})
		})
		first = demoCounts(t, d)
		if first["canned responses"] != 2 {
			t.Errorf("%d canned responses, want the demo's 2", first["canned responses"])
		}
	})
	if !strings.Contains(out, "admin@peyk.local") || !strings.Contains(out, "neda@peyk.local") {
		t.Errorf("the logins are not printed:\n%s", out)
	}

	startDemo(t, cfg, 200*time.Millisecond, func(t *testing.T, d *demoRun) {
		if again := demoCounts(t, d); fmt.Sprint(again) != fmt.Sprint(first) {
			t.Errorf("a second start changed the workspace:\nfirst  %v\nsecond %v", first, again)
		}
		waitFor(t, "live messages", func() bool {
			return dbtest.Count(t, d.a.pool, `SELECT count(*) FROM messages WHERE direction = 'in'`) >= first["inbound messages"]+2
		})
	})
}

// startDemo runs the demo until ready, calls check, and stops it; it
// returns what the demo printed.
func startDemo(t *testing.T, cfg config, every time.Duration, check func(*testing.T, *demoRun)) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan *demoRun, 1)
	done := make(chan error, 1)
	var out syncBuffer
	go func() {
		opt := demoOptions{Every: every, Password: "peyk-demo", AnswerAfter: 100 * time.Millisecond,
			ready: func(d *demoRun) { ready <- d }}
		done <- runDemo(ctx, &cfg, opt, &out, io.Discard)
	}()
	select {
	case d := <-ready:
		check(t, d)
	case err := <-done:
		t.Fatalf("demo ended before it was ready: %v\n%s", err, out.String())
	case <-time.After(90 * time.Second):
		t.Fatalf("demo not ready after 90 s\n%s", out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("demo: %v", err)
	}
	return out.String()
}

// demoCounts counts what a demo start creates.
func demoCounts(t *testing.T, d *demoRun) map[string]int {
	counts := make(map[string]int)
	for name, sql := range map[string]string{
		"users":            `SELECT count(*) FROM users`,
		"teams":            `SELECT count(*) FROM teams`,
		"sla policies":     `SELECT count(*) FROM sla_policies`,
		"canned responses": `SELECT count(*) FROM canned_responses`,
		"channels":         `SELECT count(*) FROM channels`,
		"contacts":         `SELECT count(*) FROM contacts WHERE merged_into IS NULL`,
		"identities":       `SELECT count(*) FROM contact_identities`,
		"conversations":    `SELECT count(*) FROM conversations`,
		"inbound messages": `SELECT count(*) FROM messages WHERE direction = 'in'`,
		"answers":          `SELECT count(*) FROM messages WHERE direction = 'out' AND kind IN ('text', 'email')`,
		"reminders":        `SELECT count(*) FROM schedules WHERE kind = 'reminder'`,
		"assigned":         `SELECT count(*) FROM conversations WHERE assignee_id IS NOT NULL`,
		"tags":             `SELECT count(*) FROM conversations, unnest(tags)`,
	} {
		counts[name] = dbtest.Count(t, d.a.pool, sql)
	}
	return counts
}

// waitFor polls cond for up to 20 s; on a timeout it calls explain, if
// given, and fails.
func waitFor(t *testing.T, what string, cond func() bool, explain ...func()) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			for _, f := range explain {
				f()
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
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

// TestDemoScript checks the script: ids are unique (a clash would make
// the inbox drop a message as a duplicate), every channel kind is used,
// and the trickle reaches every kind.
func TestDemoScript(t *testing.T) {
	p := newDemoPeople()
	c := &demoCustomers{chans: demoChannels{Email: 1, Telegram: 2, SMS: 3, Phone: 4}}
	t.Run("burst", func(t *testing.T) {
		seen := make(map[string]bool)
		kinds := make(map[string]int)
		for _, e := range append(demoBurst(p), demoFollowups(p)...) {
			ch, id := c.externalID(e)
			key := fmt.Sprint(ch, id)
			if seen[key] {
				t.Errorf("event %s: external id %s used twice", e.ID, key)
			}
			seen[key] = true
			kinds[e.Via]++
		}
		for _, k := range []string{viaEmail, viaTelegram, viaSMS, viaCall} {
			if kinds[k] < 2 {
				t.Errorf("%d %s events in the burst", kinds[k], k)
			}
		}
	})
	t.Run("trickle", func(t *testing.T) {
		kinds := make(map[string]int)
		start := time.Now()
		seen := make(map[string]bool)
		for n := range 48 {
			e := demoLive(p, 1000+n, demoLiveID(start.Add(time.Duration(n)*time.Millisecond)))
			ch, id := c.externalID(e)
			if key := fmt.Sprint(ch, id); seen[key] {
				t.Errorf("live event %d: external id %s used twice", n, key)
			} else {
				seen[key] = true
			}
			kinds[e.Via]++
		}
		for _, k := range []string{viaEmail, viaTelegram, viaSMS, viaCall} {
			if kinds[k] == 0 {
				t.Errorf("no %s event in 48 live ones", k)
			}
		}
	})
}

// TestDemoMail checks that the simulated mails parse as the email channel
// reads them: subject, threading and the attachment.
func TestDemoMail(t *testing.T) {
	files, err := newDemoFiles()
	if err != nil {
		t.Fatal(err)
	}
	p := newDemoPeople()
	for _, e := range append(demoBurst(p), demoFollowups(p)...) {
		if e.Via != viaEmail {
			continue
		}
		t.Run(e.ID, func(t *testing.T) {
			raw, err := demoMailOf(e, files)
			if err != nil {
				t.Fatal(err)
			}
			r, err := mail.CreateReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if subject, err := r.Header.Subject(); err != nil || subject != e.Subject {
				t.Errorf("subject %q (%v), want %q", subject, err, e.Subject)
			}
			if ids, _ := r.Header.MsgIDList("In-Reply-To"); e.ReplyTo != "" && (len(ids) != 1 || ids[0] != demoMessageID(e.ReplyTo)) {
				t.Errorf("In-Reply-To %v", ids)
			}
			var texts, attachments int
			for {
				part, err := r.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(part.Body)
				switch h := part.Header.(type) {
				case *mail.InlineHeader:
					texts++
					if text := strings.ReplaceAll(string(body), "\r\n", "\n"); text != e.Text { // mail lines end in CRLF
						t.Errorf("text %q, want %q", text, e.Text)
					}
				case *mail.AttachmentHeader:
					attachments++
					if name, _ := h.Filename(); name != "invoice-4471.pdf" || !bytes.Equal(body, files.Invoice) {
						t.Errorf("attachment %q, %d bytes", name, len(body))
					}
				}
			}
			if want := map[bool]int{true: 1, false: 0}[e.Attach]; texts != 1 || attachments != want {
				t.Errorf("%d texts, %d attachments", texts, attachments)
			}
		})
	}
}

func TestLoopback(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"0.0.0.0:8080", "127.0.0.1:8080"},
		{"[::]:8080", "127.0.0.1:8080"},
		{":8080", "127.0.0.1:8080"},
		{"[::1]:8080", "[::1]:8080"},
		{"peyk.example.com:80", "peyk.example.com:80"},
	} {
		t.Run(c.in, func(t *testing.T) {
			if got := loopback(c.in); got != c.want {
				t.Errorf("loopback(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
	t.Run("taken", func(t *testing.T) {
		addr, err := demoAddr("127.0.0.1:0")
		if err != nil || strings.HasSuffix(addr, ":0") {
			t.Fatalf("demoAddr = %q, %v", addr, err)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		if _, err := demoAddr(addr); err == nil {
			t.Errorf("demoAddr(%s) accepted a taken address", addr)
		}
	})
}
