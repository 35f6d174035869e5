package phonelog

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/internal/twiliosig"
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
	if errors.Is(err, errUnknownCaller) {
		return nil, "a call without a caller number", nil
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
	if h.token == "" {
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
	return twiliosig.Valid(h.token, r.Header.Get("X-Twilio-Signature"), full, r.PostForm)
}
