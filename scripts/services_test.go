// Tests of scripts/services.sh's PostgreSQL paths that run without
// touching the machine's own servers: every server here is started by the
// test, in a temporary folder, on a free port.
package scripts_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestServicesPostgres(t *testing.T) {
	bindir := pgBindir(t)
	owner := pgOwner(t)

	t.Run("nothing listens: a private server in the data folder", func(t *testing.T) {
		data := dataDir(t)
		port := freePort(t)
		url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/peyk?sslmode=disable", port)
		out, err := services(t, data, url, "ensure", "postgres")
		if err != nil || !strings.Contains(out, "started PostgreSQL") ||
			!strings.Contains(out, fmt.Sprintf("127.0.0.1:%d", port)) {
			t.Fatalf("ensure: %v\n%s", err, out)
		}
		if _, err := os.Stat(filepath.Join(data, "postgres", "PG_VERSION")); err != nil {
			t.Fatalf("no server in the data folder: %v", err)
		}
		login(t, url)
		if out, err := services(t, data, url, "env"); err != nil || out != "" {
			t.Fatalf("env = %q, %v; want nothing (the URL's own server serves)", out, err)
		}
		if out, err := services(t, data, url, "stop"); err != nil || !strings.Contains(out, "stopped") {
			t.Fatalf("stop: %v\n%s", err, out)
		}
		if conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			conn.Close()
			t.Fatal("the private server still listens after stop")
		}
	})

	t.Run("a password is asked: a private server serves, nothing of the other is touched", func(t *testing.T) {
		etc := snapshot(t, "/etc/postgresql")
		port, hba := passwordServer(t, bindir, owner)
		other := snapshot(t, hba)
		data := dataDir(t)
		url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/peyk?sslmode=disable", port)
		t.Cleanup(func() { services(t, data, url, "stop") })
		// The first port the script finds free is taken before its server
		// binds it (bound, not listening, as another program's socket
		// between its bind and its listen): it goes on to the next.
		taken := holdPort(t, port+1)

		out, err := services(t, data, url, "ensure", "postgres")
		if err != nil || !strings.Contains(out, "refuses a password-free login") || strings.Count(out, "\n") != 1 {
			t.Fatalf("ensure: %v\n%s", err, out)
		}
		env, err := services(t, data, url, "env")
		const prefix = "export PEYK_DATABASE_URL='"
		if err != nil || !strings.HasPrefix(env, prefix) {
			t.Fatalf("env = %q, %v", env, err)
		}
		private := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(env), prefix), "'")
		if private == url || !strings.Contains(out, private) {
			t.Fatalf("private URL %q (ensure said %q)", private, out)
		}
		if taken != 0 && strings.Contains(private, fmt.Sprintf(":%d/", taken)) {
			t.Fatalf("private URL %q on the taken port %d", private, taken)
		}
		login(t, private)
		// Again, as make test does each time: the same server, no restart.
		if again, err := services(t, data, url, "ensure", "postgres"); err != nil || !strings.Contains(again, "using PostgreSQL") {
			t.Fatalf("second ensure: %v\n%s", err, again)
		}
		if env2, _ := services(t, data, url, "env"); env2 != env {
			t.Fatalf("env changed: %q, then %q", env, env2)
		}

		// A URL with a (wrong) password is the operator's choice: an
		// error that says so, no private server for it.
		withPassword := fmt.Sprintf("postgres://postgres:wrong@127.0.0.1:%d/peyk?sslmode=disable", port)
		out, err = services(t, data, withPassword, "ensure", "postgres")
		if err == nil || !strings.Contains(out, "cannot log in") || strings.Contains(out, "pg_hba") {
			t.Fatalf("ensure with a wrong password: %v\n%s", err, out)
		}
		if env, _ := services(t, data, withPassword, "env"); env != "" {
			t.Fatalf("env for the URL with a password = %q", env)
		}

		if got := snapshot(t, hba); got != other {
			t.Fatalf("the password server's pg_hba.conf changed:\n%s\nnow\n%s", other, got)
		}
		if got := snapshot(t, "/etc/postgresql"); got != etc {
			t.Fatalf("/etc/postgresql changed:\n%s\nnow\n%s", etc, got)
		}
	})
}

// services runs scripts/services.sh with its data folder in data and
// PEYK_DATABASE_URL set to url, and returns its output.
func services(t *testing.T, data, url string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "./services.sh", args...)
	cmd.Env = append(os.Environ(), "PEYK_DATA_DIR="+data, "PEYK_DATABASE_URL="+url)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("services.sh %v: %v", args, time.Since(start))
	return string(out), err
}

// login connects to url's server without a password.
func login(t *testing.T, url string) {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = "postgres"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("login to %s: %v", url, err)
	}
	conn.Close(ctx)
}

// passwordServer starts a PostgreSQL server that asks every TCP login for
// a password, as a Debian cluster does, and returns its port and its
// pg_hba.conf. It stops when the test ends.
func passwordServer(t *testing.T, bindir, owner string) (int, string) {
	t.Helper()
	dir := dataDir(t)
	datadir := filepath.Join(dir, "pg")
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(datadir, 0o700); err != nil {
		t.Fatal(err)
	}
	if owner != "" {
		u, err := user.Lookup(owner)
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(datadir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	run(t, owner, filepath.Join(bindir, "initdb"), "-D", datadir, "-U", "postgres",
		"--auth=scram-sha-256", "--pwfile="+pw, "--no-locale", "-E", "UTF8")
	port := freePort(t)
	run(t, owner, filepath.Join(bindir, "pg_ctl"), "-D", datadir, "-l", filepath.Join(datadir, "test.log"), "-w", "-s",
		"-o", fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", port), "start")
	t.Cleanup(func() {
		run(t, owner, filepath.Join(bindir, "pg_ctl"), "-D", datadir, "-m", "immediate", "-w", "-s", "stop")
	})
	return port, filepath.Join(datadir, "pg_hba.conf")
}

// run runs a PostgreSQL program, as owner when that is not empty.
func run(t *testing.T, owner, name string, args ...string) {
	t.Helper()
	if owner != "" {
		args = append([]string{"-u", owner, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// pgBindir finds the PostgreSQL server programs as services.sh does, and
// skips the test (fails it in CI) when there are none.
func pgBindir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Strings(dirs)
	if p, err := exec.LookPath("postgres"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		ok := true
		for _, prog := range []string{"postgres", "initdb", "pg_ctl"} {
			if _, err := exec.LookPath(filepath.Join(dirs[i], prog)); err != nil {
				ok = false
			}
		}
		if ok {
			if _, err := exec.LookPath("psql"); err == nil {
				return dirs[i]
			}
		}
	}
	msg := "no PostgreSQL server programs (initdb, pg_ctl, postgres) and psql: sudo apt-get install postgresql"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// pgOwner returns the system user that runs PostgreSQL when the test runs
// as root, which PostgreSQL refuses to run as.
func pgOwner(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return ""
	}
	for _, name := range []string{"postgres", "peyk"} {
		if _, err := user.Lookup(name); err == nil {
			return name
		}
	}
	t.Fatal("running as root, and there is no postgres system user to run PostgreSQL as")
	return ""
}

// dataDir returns an empty folder that a server's system user can reach.
func dataDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "peyk-services-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// snapshot describes every file under root (name, mode, time, content
// hash), or says that root is missing.
func snapshot(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %v", path, info.Mode(), info.ModTime().UnixNano())
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteByte('\n')
		return nil
	})
	if os.IsNotExist(err) {
		return root + " is missing"
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// holdPort binds 127.0.0.1:port without listening, so a connection finds
// nothing there but a server cannot bind it, and returns port; it returns
// 0 when the port cannot be had.
func holdPort(t *testing.T, port int) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		t.Logf("port %d cannot be held (%v): the taken-port case is not tried", port, err)
		return 0
	}
	t.Cleanup(func() { syscall.Close(fd) })
	return port
}
