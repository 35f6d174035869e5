// Package redistest gives each test a Redis database of its own on a real
// Redis server that belongs to the tests, so that emptying it harms no one.
//
// Where the server comes from, in order:
//
//  1. PEYK_TEST_REDIS_URL names a Redis server given over to the tests (a CI
//     service container, say): its databases 1 to 15 are claimed across
//     processes with a key in the URL's database, and flushed.
//  2. A redis-server program (PEYK_REDIS_SERVER, else redis-server on PATH
//     or in /usr/bin): each test process starts a private server on a free
//     loopback port, with nothing persisted and its files in a temporary
//     folder, and every test takes a database of its own on it. The server
//     ends with the test process, however that ends.
//  3. Otherwise New skips the test (fails it when CI is set): the server of
//     PEYK_REDIS_URL is shared, asynq's keys cannot be prefixed, and the
//     tests never flush or write into a database they did not create.
//
// PEYK_REDIS_SERVER=none turns 2 off.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// privateDatabases is how many databases a private server has: as many
// tests of one package may hold one at the same time.
const privateDatabases = 64

// claimWait is how long New waits for a database to come free.
const claimWait = 2 * time.Minute

// New returns the options of a Redis database that is the test's alone and
// empty. It is flushed and released when the test ends.
func New(tb testing.TB) *redis.Options {
	tb.Helper()
	if u := os.Getenv("PEYK_TEST_REDIS_URL"); u != "" {
		return claimShared(tb, u)
	}
	bin, err := program()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	if bin == "" {
		msg := "redistest: no redis-server program to start a private Redis server for the tests " +
			"(install one: sudo apt-get install redis-server), and PEYK_REDIS_URL names a shared server " +
			"whose databases the tests must not flush; or set PEYK_TEST_REDIS_URL to a Redis server the tests may empty"
		if os.Getenv("CI") != "" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	s, err := private(bin)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	return s.claim(tb)
}

// program returns the redis-server to start, or "" when there is none.
func program() (string, error) {
	switch p := os.Getenv("PEYK_REDIS_SERVER"); p {
	case "none":
		return "", nil
	case "":
	default:
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("PEYK_REDIS_SERVER=%s: %w", p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	if p, err := exec.LookPath("/usr/bin/redis-server"); err == nil {
		return p, nil
	}
	return "", nil
}

// server is a private Redis server of this test process.
type server struct {
	addr string
	dbs  chan int // free databases
	// stop is the write end of the watchdog's stdin: it is closed when this
	// process ends, and then the watchdog stops the server. Held here so it
	// is never garbage collected (which would close it).
	stop *os.File
}

var (
	privOnce sync.Once
	priv     *server
	privErr  error
)

// private returns this process's private server, starting it on first use.
func private(bin string) (*server, error) {
	privOnce.Do(func() { priv, privErr = startServer(bin) })
	return priv, privErr
}

// watchdog runs redis-server ($1, with the rest of the arguments after the
// folder $2) and stops it, removing $2, once its own stdin reaches end of
// file: when the test process ends, even by kill -9.
const watchdog = `bin=$1 dir=$2; shift 2
exec 3<&0
"$bin" "$@" </dev/null >/dev/null 2>&1 &
pid=$!
(read -r _ <&3; kill "$pid" 2>/dev/null) &
wait "$pid"
status=$?
rm -rf "$dir"
exit "$status"`

func startServer(bin string) (*server, error) {
	var last error
	for range 5 { // the free port may be taken before the server binds it
		s, err := tryStart(bin)
		if err == nil {
			return s, nil
		}
		last = err
	}
	return nil, fmt.Errorf("start a private %s: %w", bin, last)
}

func tryStart(bin string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "peyk-redistest-")
	if err != nil {
		return nil, err
	}
	log := filepath.Join(dir, "redis.log")
	r, w, err := os.Pipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command("/bin/sh", "-c", watchdog, "redistest", bin, dir,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir, "--logfile", log,
		"--save", "", "--appendonly", "no", "--databases", strconv.Itoa(privateDatabases))
	cmd.Stdin = r
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	r.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := ping(addr)
		if err == nil {
			break
		}
		select {
		case werr := <-exited:
			out, _ := os.ReadFile(log)
			w.Close()
			os.RemoveAll(dir)
			return nil, fmt.Errorf("redis-server on %s exited (%v): %s", addr, werr, out)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			w.Close() // the watchdog stops it
			return nil, fmt.Errorf("redis-server on %s does not answer: %w", addr, err)
		}
	}
	s := &server{addr: addr, dbs: make(chan int, privateDatabases), stop: w}
	for n := range privateDatabases {
		s.dbs <- n
	}
	return s, nil
}

// ping reports whether Redis answers at addr, dialing first so that a
// refused connection is not logged by the client.
func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	conn.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return c.Ping(ctx).Err()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// claim takes a free database of the private server for the test.
func (s *server) claim(tb testing.TB) *redis.Options {
	tb.Helper()
	var n int
	select {
	case n = <-s.dbs:
	case <-time.After(claimWait):
		tb.Fatalf("redistest: no free database of the private Redis server in %v", claimWait)
	}
	opt := &redis.Options{Addr: s.addr, DB: n}
	if err := flush(opt); err != nil {
		s.dbs <- n
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(func() {
		if err := flush(opt); err != nil {
			tb.Logf("redistest: %v", err) // the database is not handed out again
			return
		}
		s.dbs <- n
	})
	return opt
}

// flush empties a database that belongs to the tests.
func flush(opt *redis.Options) error {
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.FlushDB(ctx).Err(); err != nil {
		return fmt.Errorf("flush database %d of %s: %w", opt.DB, opt.Addr, err)
	}
	return nil
}

// claimShared claims one of databases 1 to 15 of the server of url, which
// is the tests' own, across processes: a key in the URL's database names
// the holder.
func claimShared(tb testing.TB, url string) *redis.Options {
	tb.Helper()
	base, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("redistest: PEYK_TEST_REDIS_URL: %v", err)
	}
	ctx := context.Background()
	ctl := redis.NewClient(base)
	tb.Cleanup(func() { ctl.Close() })
	deadline := time.Now().Add(claimWait)
	for time.Now().Before(deadline) {
		for n := 1; n < 16; n++ {
			if n == base.DB {
				continue
			}
			key := fmt.Sprintf("peyk:test:db:%d", n)
			ok, err := ctl.SetNX(ctx, key, os.Getpid(), 10*time.Minute).Result()
			if err != nil {
				tb.Fatalf("redistest: PEYK_TEST_REDIS_URL: %v", err)
			}
			if !ok {
				continue
			}
			opt := *base
			opt.DB = n
			if err := flush(&opt); err != nil {
				ctl.Del(ctx, key)
				tb.Fatalf("redistest: %v", err)
			}
			tb.Cleanup(func() {
				if err := flush(&opt); err != nil {
					tb.Logf("redistest: %v", err)
				}
				ctl.Del(context.Background(), key)
			})
			return &opt
		}
		time.Sleep(200 * time.Millisecond)
	}
	tb.Fatalf("redistest: no free database on PEYK_TEST_REDIS_URL in %v", claimWait)
	return nil
}
