package twilio

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/peykhq/peyk/channels/internal/twiliosig"
	"github.com/peykhq/peyk/channels/sms/internal/hook"
)

// Signature returns the X-Twilio-Signature of a request Twilio makes to
// fullURL with the POST fields form (see twiliosig.Signature).
func Signature(authToken, fullURL string, form url.Values) string {
	return twiliosig.Signature(authToken, fullURL, form)
}

// ValidSignature reports whether signature is Twilio's for a request to
// fullURL with the POST fields form, with or without the default port; the
// comparison is constant-time.
func ValidSignature(authToken, signature, fullURL string, form url.Values) bool {
	return twiliosig.Valid(authToken, signature, fullURL, form)
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
