package redistest_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/peykhq/peyk/workers/redistest"
)

func TestDatabasesAreSeparate(t *testing.T) {
	a, b := redistest.New(t), redistest.New(t)
	if a.Addr == b.Addr && a.DB == b.DB {
		t.Fatalf("both tests got database %d of %s", a.DB, a.Addr)
	}
	ctx := context.Background()
	ca, cb := redis.NewClient(a), redis.NewClient(b)
	defer ca.Close()
	defer cb.Close()
	if err := ca.Set(ctx, "k", "a", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, _ := cb.Exists(ctx, "k").Result(); n != 0 {
		t.Fatal("a key of database a is visible in database b")
	}
}

// TestHelperProcess is the test run that TestSharedServerUntouched starts
// in a child process: it takes databases in parallel subtests and fills
// them, as the test suite does.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("PEYK_REDISTEST_CHILD") != "1" {
		t.Skip("run by TestSharedServerUntouched")
	}
	if os.Getenv("PEYK_REDISTEST_HANG") == "1" { // until killed
		opt := redistest.New(t)
		fmt.Printf("redistest-child addr=%s db=%d\n", opt.Addr, opt.DB)
		select {}
	}
	for i := range 3 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			opt := redistest.New(t)
			fmt.Printf("redistest-child addr=%s db=%d\n", opt.Addr, opt.DB)
			c := redis.NewClient(opt)
			defer c.Close()
			if err := c.Set(context.Background(), "child", i, 0).Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSharedServerUntouched runs a test process against the shared server
// of PEYK_REDIS_URL, with and without a redis-server program to start, and
// checks that keys of the URL's database and of its databases 1 to 15
// survive it, and that the private server ends with the process.
func TestSharedServerUntouched(t *testing.T) {
	url := os.Getenv("PEYK_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	base, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ctl := redis.NewClient(base)
	defer ctl.Close()
	if err := ctl.Ping(ctx).Err(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no shared Redis at %s: %v", url, err)
		}
		t.Skipf("no shared Redis at %s to check (make test starts one): %v", url, err)
	}
	key := "peyk:redistest:sentinel:" + randomHex()
	sentinels := map[int]*redis.Client{base.DB: ctl}
	for n := 1; n < 16; n++ {
		if n == base.DB {
			continue
		}
		// Claimed as the redistest of earlier versions claims a database,
		// so that one running now in another checkout leaves it alone
		// while this test looks.
		claim := fmt.Sprintf("peyk:test:db:%d", n)
		if ok, err := ctl.SetNX(ctx, claim, "redistest sentinel", time.Minute).Result(); err != nil {
			t.Fatal(err)
		} else if !ok {
			continue
		}
		t.Cleanup(func() { ctl.Del(context.Background(), claim) })
		opt := *base
		opt.DB = n
		c := redis.NewClient(&opt)
		t.Cleanup(func() { c.Close() })
		sentinels[n] = c
	}
	t.Logf("a key in %d databases of %s (the others are held by a test run now)", len(sentinels), base.Addr)
	for n, c := range sentinels {
		if err := c.Set(ctx, key, n, 10*time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Del(context.Background(), key) })
	}

	for _, tc := range []struct {
		name, server, want string
	}{
		{"private server", "", "redistest-child addr="},
		{"no redis-server", "none", "no redis-server program"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "PEYK_REDISTEST_CHILD=1", "PEYK_REDIS_URL="+url,
				"PEYK_TEST_REDIS_URL=", "PEYK_REDIS_SERVER="+tc.server, "CI=")
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), tc.want) {
				t.Fatalf("child: %v\n%s", err, out)
			}
			for n, c := range sentinels {
				if v, err := c.Get(ctx, key).Result(); err != nil || v != fmt.Sprint(n) {
					t.Errorf("database %d of the shared server lost its key: %q %v", n, v, err)
				}
			}
			for _, m := range regexp.MustCompile(`addr=(\S+)`).FindAllStringSubmatch(string(out), -1) {
				if m[1] == base.Addr {
					t.Fatalf("the child used the shared server %s", m[1])
				}
				waitGone(t, m[1])
			}
		})
	}
}

// TestPrivateServerEndsWithKilledProcess kills a test process with
// SIGKILL and checks that its private Redis server ends too.
func TestPrivateServerEndsWithKilledProcess(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "PEYK_REDISTEST_CHILD=1", "PEYK_REDISTEST_HANG=1", "PEYK_TEST_REDIS_URL=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	addr := ""
	for addr == "" && sc.Scan() {
		if m := regexp.MustCompile(`addr=(\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("the child printed no address: %v", sc.Err())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitGone(t, addr)
}

// waitGone waits until nothing answers at addr: the private server of a
// test process that has ended is stopped.
func waitGone(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		conn.Close()
	}
	t.Fatalf("the private Redis server at %s outlived its test process", addr)
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
