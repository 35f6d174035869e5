package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/peykhq/peyk/channels/sms/internal/hook"
)

// Signature returns the X-Twilio-Signature of a request Twilio makes to
// fullURL with the POST fields form: the base64 HMAC-SHA1, keyed with the
// auth token, of fullURL followed by every field's name and value, sorted
// by name. A field given more than once contributes each distinct value,
// sorted, as Twilio's helper libraries do.
func Signature(authToken, fullURL string, form url.Values) string {
	mac := hmac.New(sha1.New, []byte(authToken))
	_, _ = io.WriteString(mac, fullURL)
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		values := slices.Clone(form[name])
		slices.Sort(values)
		for _, v := range slices.Compact(values) {
			_, _ = io.WriteString(mac, name)
			_, _ = io.WriteString(mac, v)
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// ValidSignature reports whether signature is Twilio's for a request to
// fullURL with the POST fields form. Like Twilio's libraries it accepts the
// URL with and without the scheme's default port, since Twilio is not
// consistent about which it signs. The comparison is constant-time.
func ValidSignature(authToken, signature, fullURL string, form url.Values) bool {
	if signature == "" || authToken == "" {
		return false
	}
	ok := false
	for _, u := range urlVariants(fullURL) {
		if hmac.Equal([]byte(Signature(authToken, u, form)), []byte(signature)) {
			ok = true
		}
	}
	return ok
}

// urlVariants returns fullURL as given, then with its default port added
// or removed.
func urlVariants(fullURL string) []string {
	u, err := url.Parse(fullURL)
	if err != nil || u.Host == "" {
		return []string{fullURL}
	}
	port := map[string]string{"https": "443", "http": "80"}[u.Scheme]
	if port == "" {
		return []string{fullURL}
	}
	other := *u
	switch u.Port() {
	case "":
		other.Host = net.JoinHostPort(u.Hostname(), port)
	case port:
		other.Host = strings.TrimSuffix(u.Host, ":"+port)
	default:
		return []string{fullURL}
	}
	return []string{fullURL, other.String()}
}

// requestURL is the URL Twilio called: PublicURL, or the scheme and host
// the request and its proxy headers name, followed by the path and query
// as they arrived.
func (g *Gateway) requestURL(r *http.Request) string {
	target := r.RequestURI
	if !strings.HasPrefix(target, "/") {
		target = r.URL.RequestURI()
	}
	if g.cfg.PublicURL != "" {
		return g.cfg.PublicURL + target
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p != "" {
		scheme = p
	}
	host := r.Host
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" {
		host = h
	}
	return scheme + "://" + host + target
}

// firstValue is the first of a proxy header's comma-separated values.
func firstValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}

// verify reads the form body and checks its signature. It replies and
// returns false when either fails.
func (g *Gateway) verify(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		hook.Error(w, http.StatusMethodNotAllowed, "Twilio webhooks are POST requests")
		return nil, false
	}
	form, err := hook.PostForm(w, r)
	if err != nil {
		hook.Error(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	sig := r.Header.Get("X-Twilio-Signature")
	if sig == "" {
		hook.Error(w, http.StatusForbidden, "missing X-Twilio-Signature header")
		return nil, false
	}
	if !ValidSignature(g.cfg.AuthToken, sig, g.requestURL(r), form) {
		hook.Error(w, http.StatusForbidden, "X-Twilio-Signature does not match the request; check the auth token and the public URL")
		return nil, false
	}
	return form, true
}
