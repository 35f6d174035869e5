package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/twilio"
)

// fakeREST stands in for Twilio's REST API: it records the requests and
// answers with a testdata file and a status.
type fakeREST struct {
	mu      sync.Mutex
	reqs    []url.Values
	auth    []string
	paths   []string
	status  int
	file    string
	headers map[string]string
}

func (f *fakeREST) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	user, pass, _ := r.BasicAuth()
	f.mu.Lock()
	f.reqs = append(f.reqs, r.PostForm)
	f.auth = append(f.auth, user+":"+pass)
	f.paths = append(f.paths, r.Method+" "+r.URL.Path)
	status, file := f.status, f.file
	f.mu.Unlock()
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	for k, v := range f.headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func newSender(t *testing.T, f *fakeREST, adjust func(*twilio.Config)) *twilio.Gateway {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := twilio.Config{ChannelID: 1, AccountSID: testSID, AuthToken: testToken, From: "+14155552671",
		APIBase: srv.URL + "/", StatusCallbackURL: "https://peyk.example.com/webhooks/twilio/status"}
	if adjust != nil {
		adjust(&cfg)
	}
	g, err := twilio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestSend(t *testing.T) {
	t.Parallel()
	f := &fakeREST{status: http.StatusCreated, file: "message.json"}
	g := newSender(t, f, nil)
	res, err := g.Send(context.Background(), channels.Outbound{MessageID: 7, ChannelID: 1,
		To: channels.Identity{Kind: channels.IdentityPhone, Value: "+989121234567"}, Text: "سفارش شما ارسال شد"})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExternalID != "SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX" {
		t.Fatalf("ExternalID = %q", res.ExternalID)
	}
	if want := "POST /2010-04-01/Accounts/" + testSID + "/Messages.json"; f.paths[0] != want {
		t.Fatalf("request %q, want %q", f.paths[0], want)
	}
	if f.auth[0] != testSID+":"+testToken {
		t.Fatalf("basic auth %q", f.auth[0])
	}
	form := f.reqs[0]
	want := url.Values{"To": {"+989121234567"}, "From": {"+14155552671"}, "Body": {"سفارش شما ارسال شد"},
		"StatusCallback": {"https://peyk.example.com/webhooks/twilio/status"}}
	if form.Encode() != want.Encode() {
		t.Fatalf("form = %v, want %v", form, want)
	}
}

func TestSendMessagingServiceAndMedia(t *testing.T) {
	t.Parallel()
	f := &fakeREST{status: http.StatusCreated, file: "message.json"}
	g := newSender(t, f, func(c *twilio.Config) { c.From = "MGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"; c.StatusCallbackURL = "" })
	_, err := g.Send(context.Background(), channels.Outbound{To: channels.Identity{Value: "+14155550100"}, Text: "photo",
		Attachments: []channels.Attachment{{URL: "https://files.example.com/a.jpg"}, {URL: "https://files.example.com/b.jpg"}}})
	if err != nil {
		t.Fatal(err)
	}
	form := f.reqs[0]
	if form.Get("MessagingServiceSid") != "MGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX" || form.Has("From") || form.Has("StatusCallback") ||
		strings.Join(form["MediaUrl"], " ") != "https://files.example.com/a.jpg https://files.example.com/b.jpg" {
		t.Fatalf("form = %v", form)
	}
	_, err = g.Send(context.Background(), channels.Outbound{To: channels.Identity{Value: "+14155550100"},
		Attachments: []channels.Attachment{{Name: "a.pdf", Data: []byte("%PDF")}}})
	if !errors.Is(err, channels.ErrPermanent) || !strings.Contains(err.Error(), "no URL") {
		t.Fatalf("attachment without URL: err = %v, want permanent", err)
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		status     int
		file       string
		headers    map[string]string
		permanent  bool
		retryAfter time.Duration
		mention    string
	}{
		{name: "invalid number", status: 400, file: "error_21211.json", permanent: true, mention: "21211"},
		{name: "bad credentials", status: 401, file: "error_20003.json", permanent: true, mention: "20003"},
		{name: "rate limited", status: 429, file: "error_20429.json", headers: map[string]string{"Retry-After": "7"}, retryAfter: 7 * time.Second, mention: "20429"},
		{name: "rate limited without Retry-After", status: 429, file: "error_20429.json", retryAfter: 5 * time.Second},
		{name: "server error", status: 503, file: "error_20429.json", mention: "HTTP 503"},
		{name: "success without sid", status: 201, file: "error_21211.json", mention: "no message sid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newSender(t, &fakeREST{status: tc.status, file: tc.file, headers: tc.headers}, nil)
			_, err := g.Send(context.Background(), channels.Outbound{To: channels.Identity{Value: "5551234567"}, Text: "x"})
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, channels.ErrPermanent) != tc.permanent {
				t.Fatalf("err = %v, permanent %v, want %v", err, errors.Is(err, channels.ErrPermanent), tc.permanent)
			}
			var ra *channels.RetryAfterError
			if errors.As(err, &ra) != (tc.retryAfter > 0) || (ra != nil && ra.After != tc.retryAfter) {
				t.Fatalf("err = %v, want retry after %s", err, tc.retryAfter)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.mention)
			}
		})
	}
}

func TestNewRequiresCredentials(t *testing.T) {
	_, err := twilio.New(twilio.Config{From: "+1"})
	if err == nil || !strings.Contains(err.Error(), "account_sid, auth_token") {
		t.Fatalf("err = %v", err)
	}
}

func TestTestAccount(t *testing.T) {
	t.Parallel()
	f := &fakeREST{status: http.StatusOK, file: "account.json"}
	if err := newSender(t, f, nil).Test(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := "GET /2010-04-01/Accounts/" + testSID + ".json"; f.paths[0] != want {
		t.Fatalf("request %q, want %q", f.paths[0], want)
	}
	err := newSender(t, &fakeREST{status: http.StatusUnauthorized, file: "error_20003.json"}, nil).Test(context.Background())
	if err == nil || !strings.Contains(err.Error(), "20003") {
		t.Fatalf("Test with bad credentials = %v", err)
	}
}
