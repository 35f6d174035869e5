package telegram

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/peykhq/peyk/channels"
)

// proxySchemes are the proxy schemes net/http dials.
var proxySchemes = map[string]bool{"http": true, "https": true, "socks5": true, "socks5h": true}

// checkProxyURL returns what is wrong with the proxy URL s, or "". The
// message never repeats a password s may carry.
func checkProxyURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "proxy url is not a URL like http://proxy.example.com:3128"
	}
	shown := u.Redacted()
	switch {
	case !proxySchemes[u.Scheme]:
		return fmt.Sprintf("proxy url %q is not an http://, https:// or socks5:// URL", shown)
	case u.Hostname() == "":
		return fmt.Sprintf("proxy url %q has no host", shown)
	case u.Port() == "":
		return fmt.Sprintf("proxy url %q has no port (like :3128 or :1080)", shown)
	case u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "":
		return fmt.Sprintf("proxy url %q has a path or query; give only scheme, host and port", shown)
	}
	if _, set := u.User.Password(); set {
		return fmt.Sprintf("proxy url %q carries a password: keep it in the secrets (proxy_password)", shown)
	}
	if p, err := strconv.Atoi(u.Port()); err != nil || p < 1 || p > 65535 {
		return fmt.Sprintf("proxy url %q has a bad port", shown)
	}
	return ""
}

// MoveProxyPassword returns c without the password its ProxyURL may
// carry, and s with that password as ProxyPassword, so that c holds no
// secret and may be stored and shown as is. A URL that does not parse is
// left for Config.Validate to refuse.
func MoveProxyPassword(c Config, s Secrets) (Config, Secrets) {
	u, err := url.Parse(c.ProxyURL)
	if err != nil || u.User == nil {
		return c, s
	}
	if p, set := u.User.Password(); set {
		s.ProxyPassword = p
		name := u.User.Username()
		u.User = nil
		if name != "" {
			u.User = url.User(name)
		}
		c.ProxyURL = u.String()
	}
	return c, s
}

// proxy returns the Transport.Proxy function of a bot with cfg and sec:
// the configured proxy with its password, or the environment's.
func proxy(cfg Config, sec Secrets) (func(*http.Request) (*url.URL, error), error) {
	if cfg.ProxyURL == "" {
		if sec.ProxyPassword != "" {
			return nil, fmt.Errorf("telegram: secrets: proxy password without a proxy url: %w", channels.ErrInvalid)
		}
		return http.ProxyFromEnvironment, nil
	}
	u, err := url.Parse(cfg.ProxyURL)
	if err != nil {
		return nil, fmt.Errorf("telegram: config: proxy url is not a URL: %w", channels.ErrInvalid)
	}
	if sec.ProxyPassword != "" {
		var name string
		if u.User != nil {
			name = u.User.Username()
		}
		u.User = url.UserPassword(name, sec.ProxyPassword)
	}
	return http.ProxyURL(u), nil
}
