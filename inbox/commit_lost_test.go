package inbox

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
)

// commitEater forwards connections to PostgreSQL and, once armed, lets the
// next COMMIT reach the server but drops the connection before the
// server's answer reaches the client: the transaction commits, and the
// client cannot know.
type commitEater struct {
	ln     net.Listener
	target string
	armed  atomic.Bool
	eaten  atomic.Int32
}

func newCommitEater(t *testing.T, target string) *commitEater {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &commitEater{ln: ln, target: target}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go e.serve(c)
		}
	}()
	return e
}

func (e *commitEater) serve(c net.Conn) {
	s, err := net.Dial("tcp", e.target)
	if err != nil {
		c.Close()
		return
	}
	var mu sync.Mutex
	hold := false // the server's answers are dropped from now on
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := s.Read(buf)
			mu.Lock()
			h := hold
			mu.Unlock()
			if n > 0 && !h {
				if _, werr := c.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		c.Close()
	}()
	defer s.Close()
	defer c.Close()
	// Untyped messages first: SSL or GSS encryption requests, then the
	// startup message.
	for {
		var n [4]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint32(n[:])-4)
		if _, err := io.ReadFull(c, body); err != nil {
			return
		}
		if _, err := s.Write(append(n[:], body...)); err != nil {
			return
		}
		if code := binary.BigEndian.Uint32(body[:4]); code != 80877103 && code != 80877104 {
			break
		}
	}
	for {
		var head [5]byte
		if _, err := io.ReadFull(c, head[:]); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint32(head[1:])-4)
		if _, err := io.ReadFull(c, body); err != nil {
			return
		}
		commit := (head[0] == 'Q' || head[0] == 'P') && bytes.Contains(bytes.ToLower(body), []byte("commit"))
		if commit && e.armed.CompareAndSwap(true, false) {
			mu.Lock()
			hold = true
			mu.Unlock()
			_, _ = s.Write(append(head[:], body...))
			if head[0] == 'P' { // extended protocol: the rest of the pipeline
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(500 * time.Millisecond) // the server commits
			e.eaten.Add(1)
			return
		}
		if _, err := s.Write(append(head[:], body...)); err != nil {
			return
		}
	}
}

// TestCommitAnswerLost: when the connection is lost with the COMMIT's
// answer, the group commit asks the server what became of it; the
// transaction committed, so the caller is told the message was new, the
// NOTIFY it sent at commit is the one listeners get, and the message is
// stored once.
func TestCommitAnswerLost(t *testing.T) {
	t.Parallel()
	base, err := pgxpool.ParseConfig(dbtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	// Started first, so that it stops after the schema is dropped.
	eater := newCommitEater(t, net.JoinHostPort(base.ConnConfig.Host, strconv.Itoa(int(base.ConnConfig.Port))))
	pool := dbtest.NewConfig(t, func(c *pgxpool.Config) {
		c.ConnConfig.Host, c.ConnConfig.Port, c.ConnConfig.Fallbacks = "127.0.0.1", uint16(eater.ln.Addr().(*net.TCPAddr).Port), nil
	})
	ib := New(pool, Config{}, nil)
	ctx := context.Background()
	ch, err := ib.CreateChannel(ctx, channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	listen, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer listen.Release()
	if _, err := listen.Exec(ctx, "LISTEN "+NotifyChannel); err != nil {
		t.Fatal(err)
	}

	eater.armed.Store(true)
	n, err := ib.IngestCount(ctx, []channels.Inbound{{ChannelID: ch, ExternalID: "lost-1", Text: "salam",
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}}})
	if err != nil || n != 1 {
		t.Fatalf("IngestCount: %d new, %v; want 1 new", n, err)
	}
	if eater.eaten.Load() != 1 {
		t.Fatalf("%d COMMIT answers lost, want 1", eater.eaten.Load())
	}
	if got := dbtest.Count(t, pool, `SELECT count(*) FROM messages WHERE external_id = 'lost-1'`); got != 1 {
		t.Errorf("stored %d times, want once", got)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	note, err := listen.Conn().WaitForNotification(wctx)
	if err != nil || !bytes.Contains([]byte(note.Payload), []byte(`"message.created"`)) {
		t.Errorf("notification %+v, %v; want message.created", note, err)
	}
}
