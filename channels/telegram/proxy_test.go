package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/telegram/telegramtest"
)

// TestProxy: with ProxyURL set, every Bot API call (getMe, sends) and
// every file download reaches the Bot API through the proxy, with the
// proxy's credentials when it wants them; nothing goes around it.
func TestProxy(t *testing.T) {
	t.Parallel()
	const password = "pr0xy-p@ss:word"
	tests := []struct {
		name      string
		user      string // the proxy wants user and password when password is set
		password  string
		proxyURL  func(p *telegramtest.Proxy) string
		secret    string // Secrets.ProxyPassword
		refusals  bool
		wantError string
	}{
		{name: "open proxy", proxyURL: func(p *telegramtest.Proxy) string { return p.URL }},
		{name: "credentials from the secrets", user: "peyk", password: password, secret: password,
			proxyURL: func(p *telegramtest.Proxy) string { return strings.Replace(p.URL, "://", "://peyk@", 1) }},
		{name: "no password", user: "peyk", password: password, refusals: true, wantError: "HTTP 407",
			proxyURL: func(p *telegramtest.Proxy) string { return strings.Replace(p.URL, "://", "://peyk@", 1) }},
		{name: "wrong password", user: "peyk", password: password, secret: "guess", refusals: true, wantError: "HTTP 407",
			proxyURL: func(p *telegramtest.Proxy) string { return strings.Replace(p.URL, "://", "://peyk@", 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			api := telegramtest.NewServer(t, testToken)
			px := telegramtest.NewProxy(t, tt.user, tt.password)
			cfg := Config{APIEndpoint: api.URL, ProxyURL: tt.proxyURL(px), PollTimeout: Duration(time.Second)}
			b, err := New(ctx, 1, cfg, Secrets{Token: testToken, ProxyPassword: tt.secret}, nil)
			if (px.Refusals() > 0) != tt.refusals {
				t.Errorf("proxy refused %d requests, want refusals %v", px.Refusals(), tt.refusals)
			}
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("New = %v, want an error with %q", err, tt.wantError)
				}
				if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), password) {
					t.Errorf("error %q shows a secret", err)
				}
				if n := len(api.Calls("")); n != 0 {
					t.Errorf("the Bot API got %d calls past a refusing proxy", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Test(ctx); err != nil {
				t.Fatalf("Test: %v", err)
			}
			to := channels.Identity{Kind: channels.IdentityTelegram, Value: "7001"}
			for _, out := range []channels.Outbound{{To: to, Text: "سلام"},
				{To: to, Attachments: []channels.Attachment{{Name: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}}}} {
				if _, err := b.Send(ctx, out); err != nil {
					t.Fatalf("Send: %v", err)
				}
			}
			api.AddFile("doc1", "documents/file_1.pdf", []byte("%PDF-1.7"))
			if data, err := b.Download(ctx, "doc1"); err != nil || string(data) != "%PDF-1.7" {
				t.Fatalf("Download = %q, %v", data, err)
			}

			var paths []string
			for _, u := range px.Requests() {
				if !strings.HasPrefix(u, api.URL+"/") {
					t.Errorf("proxy forwarded %s, not to the Bot API", u)
				}
				paths = append(paths, strings.ReplaceAll(strings.TrimPrefix(u, api.URL), testToken, "<token>"))
			}
			want := []string{"/bot<token>/getMe", "/bot<token>/getMe", "/bot<token>/sendMessage",
				"/bot<token>/sendDocument", "/bot<token>/getFile", "/file/bot<token>/documents/file_1.pdf"}
			if strings.Join(paths, " ") != strings.Join(want, " ") {
				t.Errorf("through the proxy:\n got %v\nwant %v", paths, want)
			}
			// The stand-in saw exactly these API calls: none went around the proxy.
			if n := len(api.Calls("")); n != len(want)-1 {
				t.Errorf("the Bot API got %d calls, the proxy forwarded %d", n, len(want)-1)
			}
		})
	}
}

// A bot whose proxy is down fails without showing the token or the
// proxy's password, and is worth retrying.
func TestProxyDown(t *testing.T) {
	t.Parallel()
	api := telegramtest.NewServer(t, testToken)
	cfg := Config{APIEndpoint: api.URL, ProxyURL: "http://peyk@127.0.0.1:1"}
	_, err := New(context.Background(), 1, cfg, Secrets{Token: testToken, ProxyPassword: "hunter2"}, nil)
	if err == nil || errors.Is(err, channels.ErrPermanent) {
		t.Fatalf("New = %v, want an error worth retrying", err)
	}
	if s := err.Error(); strings.Contains(s, testToken) || strings.Contains(s, "hunter2") {
		t.Errorf("error %q shows a secret", s)
	}
	if n := len(api.Calls("")); n != 0 {
		t.Errorf("the Bot API got %d calls around the proxy", n)
	}
	// A password with no proxy to use it is a mistake.
	_, err = New(context.Background(), 1, Config{APIEndpoint: api.URL}, Secrets{Token: testToken, ProxyPassword: "x"}, nil)
	if !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("New with a proxy password and no proxy = %v, want ErrInvalid", err)
	}
}

// Proxy URLs are checked, and never repeated with a password; a password
// written in the URL moves to the secrets.
func TestProxyURLValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url, bad string
	}{
		{url: "http://proxy.example.com:3128"},
		{url: "https://proxy.example.com:443/"},
		{url: "socks5://127.0.0.1:1080"},
		{url: "socks5h://user@[::1]:1080"},
		{url: "ftp://proxy.example.com:21", bad: "not an http://, https:// or socks5:// URL"},
		{url: "proxy.example.com:3128", bad: "not an http://, https:// or socks5:// URL"},
		{url: "socks4://u:secretpw@proxy:1080", bad: `"socks4://u:xxxxx@proxy:1080" is not`},
		{url: "http://:3128", bad: "has no host"},
		{url: "http://proxy.example.com", bad: "has no port"},
		{url: "http://proxy.example.com:99999", bad: "bad port"},
		{url: "http://proxy.example.com:3128/x?y=1", bad: "has a path or query"},
		{url: "http://u:secretpw@proxy.example.com:3128", bad: "carries a password"},
		{url: "http://u:secretpw@proxy.example.com:3128\n", bad: "is not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			err := Config{ProxyURL: tt.url}.Validate()
			if tt.bad == "" && err != nil || tt.bad != "" && (err == nil || !strings.Contains(err.Error(), tt.bad) ||
				!errors.Is(err, channels.ErrInvalid)) {
				t.Errorf("Validate = %v, want %q", err, tt.bad)
			}
			if err != nil && strings.Contains(err.Error(), "secretpw") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}

	moves := []struct {
		url, wantURL, wantPassword string
	}{
		{url: "http://peyk:p%40ss@proxy.example.com:3128", wantURL: "http://peyk@proxy.example.com:3128", wantPassword: "p@ss"},
		{url: "socks5://:only@127.0.0.1:1080", wantURL: "socks5://127.0.0.1:1080", wantPassword: "only"},
		{url: "http://peyk@proxy.example.com:3128", wantURL: "http://peyk@proxy.example.com:3128"},
		{url: "http://proxy.example.com:3128", wantURL: "http://proxy.example.com:3128"},
		{url: ""},
	}
	for _, m := range moves {
		c, s := MoveProxyPassword(Config{ProxyURL: m.url}, Secrets{Token: testToken})
		if c.ProxyURL != m.wantURL || s.ProxyPassword != m.wantPassword || s.Token != testToken {
			t.Errorf("MoveProxyPassword(%q) = %q, %q; want %q, %q", m.url, c.ProxyURL, s.ProxyPassword, m.wantURL, m.wantPassword)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("after MoveProxyPassword(%q): %v", m.url, err)
		}
	}
}
