package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/peykhq/peyk/channels/sms/twilio"
)

// The demo Twilio account the SMS stand-in accepts.
const (
	demoTwilioSID   = "ACdemo0000000000000000000000000000"
	demoTwilioToken = "peyk-demo-twilio-auth-token"
	demoSMSNumber   = "+982191000000"
)

// demoTwilio stands in for Twilio's REST API on a loopback port: it
// accepts sends (Messages.json) and the account check, and reports each
// send delivered through the signed status callback the send named, as
// Twilio does.
type demoTwilio struct {
	srv  *httptest.Server
	log  *slog.Logger
	ctx  context.Context
	sent atomic.Int64

	mu     sync.Mutex
	onSend func(to, body, sid string) // may be nil
}

// notify makes f see every SMS sent from now on.
func (t *demoTwilio) notify(f func(to, body, sid string)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.onSend = f
}

func startDemoTwilio(ctx context.Context, log *slog.Logger) *demoTwilio {
	t := &demoTwilio{log: log.With("standin", "twilio"), ctx: ctx}
	mux := http.NewServeMux()
	base := "/2010-04-01/Accounts/" + demoTwilioSID
	mux.HandleFunc("GET "+base+".json", func(w http.ResponseWriter, r *http.Request) {
		if !t.authorized(w, r) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"sid": demoTwilioSID, "status": "active"})
	})
	mux.HandleFunc("POST "+base+"/Messages.json", t.send)
	t.srv = httptest.NewServer(mux)
	return t
}

func (t *demoTwilio) authorized(w http.ResponseWriter, r *http.Request) bool {
	if sid, token, ok := r.BasicAuth(); ok && sid == demoTwilioSID && token == demoTwilioToken {
		return true
	}
	writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 20003, "message": "Authenticate", "status": 401})
	return false
}

// send answers a Messages.json POST with a queued message and reports it
// delivered a second later.
func (t *demoTwilio) send(w http.ResponseWriter, r *http.Request) {
	if !t.authorized(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("To") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 21604, "message": "A 'To' phone number is required.", "status": 400})
		return
	}
	sid := fmt.Sprintf("SMdemo%026d", time.Now().UnixNano()+t.sent.Add(1))
	t.log.Info("demo: SMS sent", "to", r.PostForm.Get("To"), "sid", sid)
	writeJSON(w, http.StatusCreated, map[string]string{"sid": sid, "status": "queued"})
	if cb := r.PostForm.Get("StatusCallback"); cb != "" {
		go t.report(cb, sid, r.PostForm.Get("To"))
	}
	t.mu.Lock()
	f := t.onSend
	t.mu.Unlock()
	if f != nil {
		f(r.PostForm.Get("To"), r.PostForm.Get("Body"), sid)
	}
}

// report posts a signed "delivered" status callback for sid.
func (t *demoTwilio) report(callback, sid, to string) {
	select {
	case <-t.ctx.Done():
		return
	case <-time.After(time.Second):
	}
	form := url.Values{"MessageSid": {sid}, "MessageStatus": {"delivered"}, "To": {to},
		"From": {demoSMSNumber}, "AccountSid": {demoTwilioSID}}
	if err := postTwilio(t.ctx, callback, form); err != nil && t.ctx.Err() == nil {
		t.log.Warn("demo: SMS status callback", "err", err)
	}
}

func (t *demoTwilio) close() { t.srv.Close() }

// postTwilio posts form to a Peyk webhook the way Twilio does, signed with
// the demo account's auth token.
func postTwilio(ctx context.Context, target string, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilio.Signature(demoTwilioToken, target, form))
	return doWebhook(req)
}

// doWebhook sends req and fails unless the answer is 2xx.
func doWebhook(req *http.Request) error {
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
