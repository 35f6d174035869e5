package telegramtest

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Proxy is a minimal HTTP forward proxy on a loopback port, for testing a
// bot configured with a proxy: it takes absolute-form requests for plain
// http:// targets ("GET http://host/path HTTP/1.1"), forwards them
// directly and records them. It refuses CONNECT (https targets) and
// requests that were not meant for a proxy. It is safe for concurrent use.
type Proxy struct {
	// URL is the proxy's address ("http://127.0.0.1:port"), without
	// credentials.
	URL string

	srv      *httptest.Server
	user     string
	password string
	out      *http.Transport

	mu       sync.Mutex
	seen     []string
	refusals int
}

// NewProxy starts a forward proxy and closes it when the test ends. With
// a non-empty password the proxy wants Basic Proxy-Authorization for user
// and password, and answers 407 without it.
func NewProxy(tb TB, user, password string) *Proxy {
	tb.Helper()
	p := &Proxy{user: user, password: password, out: &http.Transport{Proxy: nil}}
	p.srv = httptest.NewServer(p)
	p.URL = p.srv.URL
	tb.Cleanup(p.Close)
	return p
}

// Close shuts the proxy down.
func (p *Proxy) Close() {
	p.srv.Close()
	p.out.CloseIdleConnections()
}

// Requests returns the absolute URLs of the requests forwarded so far, in
// order.
func (p *Proxy) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// Refusals returns how many requests were refused for missing or wrong
// credentials.
func (p *Proxy) Refusals() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refusals
}

// hopHeaders are the headers for this hop only, dropped when forwarding.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authorization",
	"Proxy-Authenticate", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// ServeHTTP forwards one absolute-form request.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		http.Error(w, "CONNECT is not supported by this test proxy", http.StatusMethodNotAllowed)
		return
	case !r.URL.IsAbs() || r.URL.Scheme != "http":
		http.Error(w, "not a proxy request: want an absolute http:// request URI", http.StatusBadRequest)
		return
	}
	if p.password != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.password))
		if r.Header.Get("Proxy-Authorization") != want {
			p.mu.Lock()
			p.refusals++
			p.mu.Unlock()
			w.Header().Set("Proxy-Authenticate", `Basic realm="test proxy"`)
			http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
			return
		}
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	p.mu.Lock()
	p.seen = append(p.seen, r.URL.String())
	p.mu.Unlock()
	resp, err := p.out.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for _, h := range hopHeaders {
		resp.Header.Del(h)
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
