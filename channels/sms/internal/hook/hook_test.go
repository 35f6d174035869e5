package hook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
)

func TestSecret(t *testing.T) {
	mux := http.NewServeMux()
	var got bool
	want := "s3cret"
	mux.HandleFunc("/p/{secret}", func(_ http.ResponseWriter, r *http.Request) { got = Secret(r, want) })
	mux.HandleFunc("/q", func(_ http.ResponseWriter, r *http.Request) { got = Secret(r, want) })
	for _, tc := range []struct {
		target string
		ok     bool
	}{
		{"/p/s3cret", true},
		{"/q?secret=s3cret", true},
		{"/p/s3cre", false},
		{"/p/s3cretx", false},
		{"/q?secret=", false},
		{"/q", false},
		{"/q?Secret=s3cret", false},
	} {
		got = false
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", tc.target, nil))
		if got != tc.ok {
			t.Errorf("Secret(%s) = %v, want %v", tc.target, got, tc.ok)
		}
	}
	if Secret(httptest.NewRequest("GET", "/q?secret=", nil), "") {
		t.Error("an empty secret matched")
	}
}

func TestPhone(t *testing.T) {
	for s, want := range map[string]bool{"+989121234567": true, "۰۹۱۲": true, "٠٩١٢": true, "": false, "abc": false, "+": false} {
		if Phone(s) != want {
			t.Errorf("Phone(%q) = %v", s, !want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	h := http.Header{}
	if d := RetryAfter(h, 3*time.Second); d != 3*time.Second {
		t.Errorf("missing: %s", d)
	}
	h.Set("Retry-After", "12")
	if d := RetryAfter(h, 0); d != 12*time.Second {
		t.Errorf("seconds: %s", d)
	}
	h.Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
	if d := RetryAfter(h, 0); d < 59*time.Minute || d > time.Hour {
		t.Errorf("date: %s", d)
	}
	h.Set("Retry-After", "soon")
	if d := RetryAfter(h, time.Second); d != time.Second {
		t.Errorf("garbage: %s", d)
	}
}

func TestPostForm(t *testing.T) {
	for _, tc := range []struct {
		ct, body, err string
	}{
		{"application/x-www-form-urlencoded", "a=1&b=%D8%B3", ""},
		{"application/x-www-form-urlencoded; charset=utf-8", "a=1", ""},
		{"application/json", "{}", "want application/x-www-form-urlencoded"},
		{"", "a=1", "want application/x-www-form-urlencoded"},
		{"application/x-www-form-urlencoded", "a=%zz", "malformed form body"},
		{"application/x-www-form-urlencoded", "a=" + strings.Repeat("x", MaxBody), "malformed form body"},
	} {
		r := httptest.NewRequest("POST", "/?q=1", strings.NewReader(tc.body))
		r.Header.Set("Content-Type", tc.ct)
		form, err := PostForm(httptest.NewRecorder(), r)
		switch {
		case tc.err == "" && (err != nil || form.Get("a") != "1" || form.Has("q")):
			t.Errorf("%q %q: %v %v", tc.ct, tc.body, form, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: err = %v, want %q", tc.ct, err, tc.err)
		}
	}
}

type errSink struct{ err error }

func (s errSink) Ingest(context.Context, []channels.Inbound) error { return s.err }

func TestIngestErrors(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		err    error
		status int
	}{
		{nil, 0},
		{fmt.Errorf("inbox: %w", channels.ErrInvalid), 400},
		{context.DeadlineExceeded, 503},
		{errors.New("connection refused"), 500},
	} {
		w := httptest.NewRecorder()
		ok := Ingest(w, httptest.NewRequest("POST", "/", nil), log, errSink{tc.err}, []channels.Inbound{{ExternalID: "x"}})
		if ok != (tc.err == nil) || (tc.status != 0 && w.Code != tc.status) {
			t.Errorf("%v: ok %v, status %d, want %d", tc.err, ok, w.Code, tc.status)
		}
		if tc.status == 500 && strings.Contains(w.Body.String(), "refused") {
			t.Errorf("500 leaks the internal error: %s", w.Body.String())
		}
	}
}

// countUpdater matches nothing until its call number match (0: never),
// and counts the calls.
type countUpdater struct{ calls, match int }

func (u *countUpdater) Update(context.Context, []channels.Update) (int, error) {
	u.calls++
	if u.match > 0 && u.calls >= u.match {
		return 1, nil
	}
	return 0, nil
}

func TestUpdateWait(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	up := []channels.Update{{ExternalID: "x", Status: channels.StatusDelivered}}
	for _, tc := range []struct {
		name        string
		match       int
		wait        time.Duration
		ok          bool
		calls, most int
	}{
		{"no wait", 0, 0, true, 1, 1},
		{"matched at once", 1, time.Second, true, 1, 1},
		{"matched on the third try", 3, 5 * time.Second, true, 3, 3},
		{"never matched: acknowledged after the wait", 0, 300 * time.Millisecond, true, 2, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := &countUpdater{match: tc.match}
			w := httptest.NewRecorder()
			ok := UpdateWait(w, httptest.NewRequest("GET", "/", nil), log, u, up, tc.wait)
			if ok != tc.ok || u.calls < tc.calls || u.calls > tc.most {
				t.Fatalf("ok %v after %d calls, want %v after %d to %d", ok, u.calls, tc.ok, tc.calls, tc.most)
			}
		})
	}
	// A request that ends while waiting gets 503, so the gateway retries.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	if UpdateWait(w, httptest.NewRequest("GET", "/", nil).WithContext(ctx), log, &countUpdater{}, up, time.Minute) || w.Code != 503 {
		t.Fatalf("cancelled: status %d", w.Code)
	}
}
