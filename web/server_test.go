package web_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/web"
)

// serve runs hs on a loopback port until the test ends and returns its
// address.
func serve(t *testing.T, hs *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return ln.Addr().String()
}

// slowBody opens a connection that sends a POST's headers and the first
// bytes of a 1,000-byte body, then nothing more.
func slowBody(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: peyk\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nabc", path)
	return c
}

// bodyReader is a handler that reads the whole body, telling started
// when it begins and read what reading it ended with.
func bodyReader(started chan<- struct{}, read chan<- error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, "ok")
			return
		}
		started <- struct{}{}
		_, err := io.ReadAll(r.Body)
		read <- err
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, "stored")
	})
}

// TestSlowBodyCutOff: a client that stops sending its body is cut off once
// ReadTimeout passes (without one it would hold the connection forever).
func TestSlowBodyCutOff(t *testing.T) {
	t.Parallel()
	started, read := make(chan struct{}, 1), make(chan error, 1)
	addr := serve(t, web.NewHTTPServer(bodyReader(started, read),
		web.ServerConfig{ReadTimeout: 300 * time.Millisecond, WriteTimeout: 300 * time.Millisecond}, nil))
	c := slowBody(t, addr, "/hook")
	<-started
	select {
	case err := <-read:
		if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
			t.Fatalf("reading the body ended with %v, want a timeout", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the slow body was not cut off")
	}
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Fatalf("the connection was not closed: %v", err)
	}
}

// TestBodyCap: once MaxBodies requests are still sending their bodies,
// another request with a body is answered 503 with Retry-After at once;
// requests without a body pass; a slot frees when its body ends.
func TestBodyCap(t *testing.T) {
	t.Parallel()
	started, read := make(chan struct{}, 3), make(chan error, 3)
	addr := serve(t, web.NewHTTPServer(bodyReader(started, read), web.ServerConfig{MaxBodies: 2}, nil))
	slow := []net.Conn{slowBody(t, addr, "/a"), slowBody(t, addr, "/b")}
	<-started
	<-started
	post := func() (int, string) {
		resp, err := http.Post("http://"+addr+"/c", "text/plain", strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	if status, retry := post(); status != http.StatusServiceUnavailable || retry == "" {
		t.Fatalf("third body: %d, Retry-After %q; want 503 with Retry-After", status, retry)
	}
	resp, err := http.Get("http://" + addr + "/page")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a GET without a body: %d", resp.StatusCode)
	}
	slow[0].Close() // its body ends (short): its slot is free again
	<-read
	for i := 0; ; i++ {
		status, _ := post()
		if status == http.StatusOK {
			<-started
			<-read
			break
		}
		if i == 100 {
			t.Fatalf("after a body ended: %d, want 200", status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEventsOutliveTimeouts: the event stream stays open, and delivers
// events, long past the server's read and write timeouts.
func TestEventsOutliveTimeouts(t *testing.T) {
	t.Parallel()
	var deps web.Deps
	f := newAuthFixture(t, func(d *web.Deps) { deps = *d })
	hub, _, _ := startHub(t, f.pool)
	deps.Events = hub
	const timeout = 200 * time.Millisecond
	addr := serve(t, web.NewHTTPServer(web.New(deps).Handler(),
		web.ServerConfig{ReadTimeout: timeout, WriteTimeout: timeout, ReadHeaderTimeout: timeout}, nil))
	req, _ := http.NewRequest("GET", "http://"+addr+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /events: %d", resp.StatusCode)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	// Read heartbeats until ten timeouts have passed.
	until := time.Now().Add(10 * timeout)
	for time.Now().Before(until) {
		if _, ok := <-lines; !ok {
			t.Fatalf("the stream ended after less than %s", 10*timeout)
		}
	}
	payload := fmt.Sprintf(`{"type":"timeouts.test","n":%d}`, time.Now().UnixNano())
	waitLine(t, f.pool, lines, payload, payload)
}
