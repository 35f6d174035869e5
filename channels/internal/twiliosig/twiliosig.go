// Package twiliosig computes and checks X-Twilio-Signature, for every
// channel that takes Twilio webhooks (SMS and call status callbacks).
package twiliosig

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
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

// Valid reports whether signature is Twilio's for a request to
// fullURL with the POST fields form. Like Twilio's libraries it accepts the
// URL with and without the scheme's default port, since Twilio is not
// consistent about which it signs. The comparison is constant-time.
func Valid(authToken, signature, fullURL string, form url.Values) bool {
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
