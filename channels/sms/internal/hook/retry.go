package hook

import (
	"net/http"
	"strconv"
	"time"
)

// RetryAfter reads a Retry-After header (seconds or an HTTP date) and
// returns def when it is missing or unreadable.
func RetryAfter(h http.Header, def time.Duration) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return def
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
		return 0
	}
	return def
}
