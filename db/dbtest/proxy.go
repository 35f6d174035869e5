package dbtest

import (
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Proxy forwards TCP connections to the PostgreSQL server, so that a test
// can take the database away from a pool: put down, it drops every open
// connection and closes each new one at once, as a server that went away
// does.
type Proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]struct{}
	// refused counts the connections closed at once while down.
	refused int
}

// NewBehindProxy is New with the pool connecting through a Proxy, which
// it returns too. The schema is created and dropped directly.
func NewBehindProxy(tb testing.TB) (*pgxpool.Pool, *Proxy) {
	tb.Helper()
	base, err := pgxpool.ParseConfig(URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	p := NewProxy(tb, net.JoinHostPort(base.ConnConfig.Host, strconv.Itoa(int(base.ConnConfig.Port))))
	pool := NewConfig(tb, func(c *pgxpool.Config) {
		c.ConnConfig.Host, c.ConnConfig.Port, c.ConnConfig.Fallbacks = "127.0.0.1", p.Port(), nil
		c.ConnConfig.ConnectTimeout = 5 * time.Second
	})
	return pool, p
}

// NewProxy starts a Proxy to target (host:port) on a loopback port; it
// stops when the test ends.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	tb.Cleanup(func() { ln.Close(); p.SetDown(true) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

// Port returns the proxy's port on 127.0.0.1.
func (p *Proxy) Port() uint16 { return uint16(p.ln.Addr().(*net.TCPAddr).Port) }

func (p *Proxy) serve(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.down {
		p.refused++
		p.mu.Unlock()
		c.Close()
		s.Close()
		return
	}
	p.conns[c], p.conns[s] = struct{}{}, struct{}{}
	p.mu.Unlock()
	go func() { _, _ = io.Copy(s, c); s.Close() }()
	_, _ = io.Copy(c, s)
	c.Close()
}

// SetDown puts the proxy down, dropping every connection, or up again.
func (p *Proxy) SetDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for c := range p.conns {
			c.Close()
		}
		clear(p.conns)
	}
}

// Refused returns how many connections the proxy closed at once while it
// was down.
func (p *Proxy) Refused() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused
}
