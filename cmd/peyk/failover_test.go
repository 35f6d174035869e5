package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// failoverBound is how long a pulled channel may take to move to the
// surviving process: a correctness timeout, far above the few seconds the
// move takes (inbox.Own retries every 5 s).
const failoverBound = 30 * time.Second

// TestFailover runs two `peyk serve` processes on one database and one
// IMAP mailbox, kills the one that owns the email channel with SIGKILL,
// and checks that the other takes the channel over and that every mail is
// stored exactly once.
func TestFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the peyk binary")
	}
	bin := buildPeyk(t)
	dbURL := freshDatabase(t)
	secret := "failover test key"
	env := append(os.Environ(), "PEYK_DATABASE_URL="+dbURL, "PEYK_REDIS_URL="+redisURL(t),
		"PEYK_SECRET_KEY="+secret, "PEYK_LOG_LEVEL=info")

	mail, err := startDemoIMAP(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mail.close)
	var ids []string
	deliver := func(n int) {
		t.Helper()
		for range n {
			i := len(ids) + 1
			id := fmt.Sprintf("failover-%d@customers.example", i)
			raw := fmt.Sprintf("From: Customer %d <customer%d@customers.example>\r\nTo: %s\r\n"+
				"Subject: Failover %d\r\nMessage-ID: <%s>\r\nDate: %s\r\n"+
				"Content-Type: text/plain; charset=utf-8\r\n\r\nMail number %d.\r\n",
				i, i, demoMailbox, i, id, time.Now().Format(time.RFC1123Z), i)
			if err := mail.deliver([]byte(raw)); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
	}
	deliver(5)

	cfg := fmt.Sprintf(`{"imap":{"host":"127.0.0.1","port":%d,"tls":"none","user":%q},`+
		`"smtp":{"host":"127.0.0.1","port":25,"tls":"none","auth":"none"},"from":%q,"imap_password":%q}`,
		mail.port, demoMailbox, demoMailbox, demoIMAPPass)
	add := exec.Command(bin, "channel", "add", "email", "--name", "support", "--config", cfg)
	add.Env = env
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("channel add: %v\n%s", err, out)
	}

	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var channel int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM channels WHERE kind = 'email'`).Scan(&channel); err != nil {
		t.Fatal(err)
	}

	// Each process names itself to PostgreSQL, so the owner of the
	// channel's advisory lock tells which one reads the mailbox.
	procs := map[string]*servePeyk{}
	for _, name := range []string{"failover-a", "failover-b"} {
		procs[name] = startServe(t, bin, env, dbURL, name)
	}
	stored := func() int {
		var n int
		_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM messages WHERE channel_id = $1`, channel).Scan(&n)
		return n
	}
	explain := func() {
		for name, p := range procs {
			t.Logf("%s output:\n%s", name, p.out.String())
		}
	}
	within(t, failoverBound, "the first 5 mails", func() bool { return stored() >= 5 }, explain)
	var owner string
	within(t, failoverBound, "an owner of the channel", func() bool {
		owner = channelOwner(t, pool, channel)
		return owner != ""
	}, explain)
	var survivor string
	for name := range procs {
		if name != owner {
			survivor = name
		}
	}
	t.Logf("%s owns channel %d; killing it", owner, channel)
	procs[owner].kill(t)
	killed := time.Now()

	deliver(5)
	within(t, failoverBound, "the next 5 mails through "+survivor, func() bool { return stored() >= len(ids) }, explain)
	t.Logf("%s took the channel over and stored the new mail %v after the kill", survivor, time.Since(killed).Round(time.Millisecond))
	if now := channelOwner(t, pool, channel); now != survivor {
		explain()
		t.Fatalf("channel %d is owned by %q, want %s", channel, now, survivor)
	}
	if procs[survivor].exited() {
		explain()
		t.Fatalf("%s exited", survivor)
	}

	rows, err := pool.Query(context.Background(),
		`SELECT trim(both '<>' from message_id), count(*) FROM messages WHERE channel_id = $1 GROUP BY 1`, channel)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		got[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("Message-ID %s is stored %d times, want once", id, got[id])
		}
	}
	if len(got) != len(ids) {
		t.Errorf("stored Message-IDs %v, want %v", got, ids)
	}
}

// buildPeyk builds the peyk binary into a temporary folder.
func buildPeyk(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "peyk")
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	build := exec.Command(goCmd, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// servePeyk is a running `peyk serve` process.
type servePeyk struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// startServe starts `peyk serve --workers=false` on a free port, with its
// database connections named name; it is killed when the test ends.
func startServe(t *testing.T, bin string, env []string, dbURL, name string) *servePeyk {
	t.Helper()
	named := dbURL + " application_name=" + name // a key=value DSN
	if strings.Contains(dbURL, "://") {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		named = u.String()
	}
	p := &servePeyk{out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve", "--workers=false", "--http-addr=127.0.0.1:0", "--database-url="+named)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill(t) })
	return p
}

// kill ends the process with SIGKILL and waits for it.
func (p *servePeyk) kill(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("process %d did not end after SIGKILL", p.cmd.Process.Pid)
	}
}

// exited reports whether the process has ended.
func (p *servePeyk) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// channelOwner returns the application_name of the connection that holds
// channel's ownership lock (inbox.Own), or "" when no one holds it.
func channelOwner(t *testing.T, pool *pgxpool.Pool, channel int64) string {
	t.Helper()
	key := int64(2)<<60 | channel // inbox's channelLockSpace | id
	var owner string
	err := pool.QueryRow(context.Background(), `
		SELECT coalesce(string_agg(a.application_name, ','), '')
		FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND l.classid = $1 AND l.objid = $2`,
		uint32(uint64(key)>>32), uint32(key)).Scan(&owner)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(owner, ",") {
		t.Fatalf("channel %d has more than one owner: %s", channel, owner)
	}
	return owner
}

// within polls cond until it holds, failing the test after bound.
func within(t *testing.T, bound time.Duration, what string, cond func() bool, explain func()) {
	t.Helper()
	for deadline := time.Now().Add(bound); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			explain()
			t.Fatalf("no %s within %v", what, bound)
		}
	}
}
