package phonelog

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
)

// parseTwilio turns a Twilio call status callback into a call. Statuses
// that are not final (queued, initiated, ringing, in-progress) store
// nothing and are named in ignored.
func (s *setup) parseTwilio(form url.Values) (calls []channels.Inbound, ignored string, err error) {
	sid := strings.TrimSpace(form.Get("CallSid"))
	if sid == "" {
		return nil, "", errors.New("CallSid is missing")
	}
	r := record{externalID: "twilio:" + clipID(sid), from: form.Get("From"), to: form.Get("To"),
		name: strings.TrimSpace(form.Get("CallerName")), recording: strings.TrimSpace(form.Get("RecordingUrl")),
		data: TemplateData{UniqueID: sid}}
	switch d := form.Get("Direction"); {
	case d == "inbound":
		r.direction = channels.In
	case strings.HasPrefix(d, "outbound"):
		r.direction = channels.Out
	default:
		return nil, "", fmt.Errorf("direction %q is not inbound, outbound-api or outbound-dial", clip(d))
	}
	if v := form.Get("CallDuration"); v != "" {
		if r.duration, err = seconds("CallDuration", v); err != nil {
			return nil, "", err
		}
	}
	switch status := form.Get("CallStatus"); status {
	case "completed":
		r.disposition = Answered
		if r.duration == 0 {
			r.disposition = NoAnswer
		}
	case "busy":
		r.disposition = Busy
	case "no-answer":
		r.disposition = NoAnswer
	case "failed", "canceled":
		r.disposition = Failed
	case "queued", "initiated", "ringing", "in-progress", "answered":
		return nil, "call status " + status + " is not final", nil
	default:
		return nil, "", fmt.Errorf("CallStatus %q is not a Twilio call status", clip(status))
	}
	r.billable = r.duration
	if v := form.Get("Timestamp"); v != "" {
		t, err := time.Parse(time.RFC1123Z, v)
		if err != nil {
			return nil, "", fmt.Errorf("timestamp %q is not like %s", clip(v), time.RFC1123Z)
		}
		r.start = t.Add(-r.duration) // the callback is sent when the call ends
	}
	in, err := s.inbound(r)
	if errors.Is(err, errInternal) {
		return nil, "a call between our own numbers", nil
	}
	if err != nil {
		return nil, "", err
	}
	return []channels.Inbound{in}, "", nil
}

// twilioOK reports whether r carries a valid X-Twilio-Signature: the
// base64 HMAC-SHA1, keyed with the auth token, of the full URL followed by
// each POST parameter's name and value, sorted by name. The URL is tried
// as seen and with the default port added or removed, as Twilio's own
// libraries do.
func (h *webhook) twilioOK(r *http.Request) bool {
	got, err := base64.StdEncoding.DecodeString(r.Header.Get("X-Twilio-Signature"))
	if h.token == "" || err != nil || len(got) == 0 {
		return false
	}
	base := h.public
	if base == "" {
		scheme := "http"
		if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	full := strings.TrimRight(base, "/") + r.URL.RequestURI()
	for _, u := range urlVariants(full) {
		if hmac.Equal(got, TwilioSignature(h.token, u, r.PostForm)) {
			return true
		}
	}
	return false
}

// TwilioSignature computes the X-Twilio-Signature (decoded) Twilio sends
// for a form POST of params to fullURL.
func TwilioSignature(authToken, fullURL string, params url.Values) []byte {
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vs := slices.Clone(params[k])
		slices.Sort(vs)
		for _, v := range vs {
			mac.Write([]byte(k))
			mac.Write([]byte(v))
		}
	}
	return mac.Sum(nil)
}

// urlVariants returns u, and u with its default port removed or added.
func urlVariants(u string) []string {
	p, err := url.Parse(u)
	if err != nil {
		return []string{u}
	}
	port := map[string]string{"http": "80", "https": "443"}[p.Scheme]
	if port == "" {
		return []string{u}
	}
	q := *p
	switch p.Port() {
	case "":
		q.Host = p.Host + ":" + port
	case port:
		q.Host = p.Hostname()
		if strings.Contains(q.Host, ":") {
			q.Host = "[" + q.Host + "]"
		}
	default:
		return []string{u}
	}
	return []string{u, q.String()}
}
