package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/workers/redistest"
)

// freshDatabase returns the URL of a database that does not exist yet and
// drops it when the test ends.
func freshDatabase(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("peyk_cmd_%d", time.Now().UnixNano())
	url, err := db.WithDatabase(dbtest.URL(t), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, _ := db.WithDatabase(url, "postgres")
		conn, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			t.Log(err)
			return
		}
		defer conn.Close(context.Background())
		_, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return url
}

func runCmd(t *testing.T, ctx context.Context, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(ctx, args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestCommands(t *testing.T) {
	url := freshDatabase(t)
	ctx := context.Background()
	dbFlag := "--database-url=" + url

	// Two migrations at once on a database that does not exist yet.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, _, errs[i] = runCmd(t, ctx, "migrate", dbFlag) }()
	}
	wg.Wait()
	if errors.Join(errs...) != nil {
		t.Fatal(errs)
	}
	runSteps(t, ctx, []cmdStep{
		{"migrate again", []string{"migrate", dbFlag}, nil, "0 migration(s) applied"},
		{"create admin", []string{"user", "create", dbFlag, "--email=Admin@Peyk.local", "--role=admin", "--password=peyk-demo"}, nil, "created admin admin@peyk.local"},
		{"create again if missing", []string{"user", "create", dbFlag, "--email=admin@peyk.local", "--password=peyk-demo", "--if-missing"}, nil, "exists"},
		{"create duplicate", []string{"user", "create", dbFlag, "--email=admin@peyk.local", "--password=peyk-demo"}, errAny, ""},
		{"create without email", []string{"user", "create", dbFlag}, errUsage, ""},
		{"short password", []string{"user", "create", dbFlag, "--email=b@peyk.local", "--password=x"}, errAny, ""},
		{"token", []string{"token", "create", dbFlag, "--email=admin@peyk.local"}, nil, "peyk_"},
		{"token for nobody", []string{"token", "create", dbFlag, "--email=nobody@peyk.local"}, errAny, ""},
		{"version", []string{"version"}, nil, "peyk "},
		{"unknown", []string{"frobnicate"}, errUsage, ""},
		{"none", nil, errUsage, ""},
		{"stray argument", []string{"migrate", dbFlag, "extra"}, errUsage, ""},
	})
}

var errAny = errors.New("any error")

// cmdStep is one command line of a table test and what it must give.
type cmdStep struct {
	name string
	args []string
	err  error // nil, errUsage, or errAny for any other error
	out  string
}

// runSteps runs the command lines in order, each a subtest.
func runSteps(t *testing.T, ctx context.Context, steps []cmdStep) {
	t.Helper()
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			out, stderr, err := runCmd(t, ctx, s.args...)
			switch {
			case s.err == nil && err != nil:
				t.Fatalf("err = %v (%s)", err, stderr)
			case s.err == errUsage && !errors.Is(err, errUsage):
				t.Fatalf("err = %v, want usage error", err)
			case s.err == errAny && err == nil:
				t.Fatalf("no error; out %q", out)
			}
			if !strings.Contains(out, s.out) {
				t.Fatalf("out = %q, want %q", out, s.out)
			}
		})
	}
}

func TestServe(t *testing.T) {
	url := freshDatabase(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--database-url=" + url, "--redis-url=" + redisURL(t), "--http-addr=" + addr}, io.Discard, io.Discard)
	}()
	var resp *http.Response
	for i := 0; i < 100; i++ {
		resp, err = http.Get("http://" + addr + "/readyz")
		if err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz = %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}

func TestWorker(t *testing.T) {
	url := freshDatabase(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	rurl := redisURL(t)
	go func() {
		done <- run(ctx, []string{"worker", "--database-url=" + url, "--redis-url=" + rurl}, &out, io.Discard)
	}()
	// Migrating a fresh database takes a while on a loaded machine: wait
	// for the workers to say they run, then stop them.
	waitFor(t, "workers running", func() bool { return strings.Contains(out.String(), "workers running") })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v", err)
	}
	if !strings.Contains(out.String(), "workers running") {
		t.Fatalf("out = %q", out.String())
	}
}

// redisURL returns the URL of a Redis database of the test's own.
func redisURL(t *testing.T) string {
	opt := redistest.New(t)
	return fmt.Sprintf("redis://%s/%d", opt.Addr, opt.DB)
}

func TestChannelAndImportCalls(t *testing.T) {
	url := freshDatabase(t)
	ctx := context.Background()
	db := "--database-url=" + url
	t.Setenv("PEYK_SECRET_KEY", "test key")
	if _, errOut, err := runCmd(t, ctx, "channel", "add", "phone", db, "--name", "pbx",
		"--config", `{"ours":["1XX"],"secret":"pbx-secret-0123456789"}`); err != nil {
		t.Fatalf("channel add: %v %s", err, errOut)
	}
	if _, _, err := runCmd(t, ctx, "channel", "add", "phone", db, "--name", "bad", "--config", `{"ours":[]}`); err == nil {
		t.Fatal("a phone channel without a secret was accepted")
	}
	if out, _, err := runCmd(t, ctx, "channel", "list", db); err != nil || !strings.Contains(out, "pbx") {
		t.Fatalf("channel list: %q %v", out, err)
	}
	file := "../../channels/phonelog/testdata/Master.csv"
	out, errOut, err := runCmd(t, ctx, "import-calls", db, "--channel", "1", file)
	if !errors.Is(err, errBadRows) { // Master.csv has bad rows
		t.Fatalf("import-calls: %v %s", err, errOut)
	}
	if !strings.Contains(errOut, "bad row: line") || !strings.Contains(errOut, "rows/s") {
		t.Fatalf("no progress or bad-row report: %q", errOut)
	}
	var imported int
	if _, err := fmt.Sscanf(out[strings.Index(out, ", ")+2:], "%d imported", &imported); err != nil || imported == 0 {
		t.Fatalf("out = %q", out)
	}
	out, _, err = runCmd(t, ctx, "import-calls", db, "--channel", "1", "--quiet", file)
	if !errors.Is(err, errBadRows) || !strings.Contains(out, ", 0 imported") {
		t.Fatalf("second import: %q %v", out, err)
	}
	if _, _, err := runCmd(t, ctx, "import-calls", db, file); !errors.Is(err, errUsage) {
		t.Fatalf("import-calls without a channel: %v", err)
	}
}
