package twilio_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels/sms/twilio"
)

func TestInboundStored(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	form := readForm(t, "inbound.form")
	resp, body := e.postSigned(t, inPath, form)
	if resp.StatusCode != http.StatusOK || body != "<Response/>" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
		t.Fatalf("reply = %d %q %q, want 200 text/xml <Response/>", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var text, ext, identity string
	err := e.pool.QueryRow(context.Background(), `SELECT m.body, m.external_id, i.value FROM messages m
		JOIN conversations c ON c.id = m.conversation_id
		JOIN contact_identities i ON i.contact_id = c.contact_id AND i.kind = 'phone'
		WHERE m.channel_id = $1`, e.ch).Scan(&text, &ext, &identity)
	if err != nil {
		t.Fatal(err)
	}
	if text != form.Get("Body") || ext != "SM1f0e8ae6ade43cb3c0ce4525424e404f" || identity != "+989121234567" {
		t.Fatalf("stored %q %q from %q", text, ext, identity)
	}
	// Twilio retries a webhook it did not hear back from: nothing doubles.
	if resp, _ := e.postSigned(t, inPath, form); resp.StatusCode != http.StatusOK {
		t.Fatalf("repeat = %d", resp.StatusCode)
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 1 {
		t.Fatalf("messages = %d after a repeat, want 1", n)
	}
}

func TestInboundMedia(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	form := readForm(t, "inbound_mms.form")
	if resp, body := e.postSigned(t, inPath, form); resp.StatusCode != http.StatusOK {
		t.Fatalf("reply = %d %s", resp.StatusCode, body)
	}
	rows, err := e.pool.Query(context.Background(), `SELECT url, content_type FROM message_attachments ORDER BY position`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var u, ct string
		if err := rows.Scan(&u, &ct); err != nil {
			t.Fatal(err)
		}
		got = append(got, ct+" "+u)
	}
	want := []string{"image/jpeg " + form.Get("MediaUrl0"), "application/pdf " + form.Get("MediaUrl1")}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("attachments = %q, want %q", got, want)
	}
}

// Each bad request gets a 4xx with a JSON reason and stores nothing.
func TestInboundRejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	good := readForm(t, "inbound.form")
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vs := range good {
			f[key] = append([]string(nil), vs...)
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	tampered := with("Body", "send me the refund")
	noSid := with("MessageSid", "")
	noSid.Del("SmsSid")
	noSid.Del("SmsMessageSid")
	for _, tc := range []struct {
		name        string
		method      string
		contentType string
		body, sig   string
		status      int
		reason      string
	}{
		{name: "no signature", body: good.Encode(), status: 403, reason: "missing X-Twilio-Signature"},
		{name: "wrong token", body: good.Encode(), sig: twilio.Signature("not-the-token", e.srv.URL+inPath, good), status: 403, reason: "does not match"},
		{name: "tampered body", body: tampered.Encode(), sig: e.sign(inPath, good), status: 403, reason: "does not match"},
		{name: "signed for another URL", body: good.Encode(), sig: twilio.Signature(testToken, "https://evil.example.com"+inPath, good), status: 403, reason: "does not match"},
		{name: "garbage signature", body: good.Encode(), sig: "!!!", status: 403, reason: "does not match"},
		{name: "malformed body", body: "Body=%zz&From=%2B98912", sig: "x", status: 400, reason: "malformed form body"},
		{name: "JSON body", contentType: "application/json", body: `{"Body":"x"}`, sig: "x", status: 400, reason: "want application/x-www-form-urlencoded"},
		{name: "no MessageSid", body: noSid.Encode(), sig: signFor(e, noSid), status: 400, reason: "missing MessageSid"},
		{name: "no From", body: with("From", "").Encode(), sig: signFor(e, with("From", "")), status: 400, reason: "not a phone number"},
		{name: "bad NumMedia", body: with("NumMedia", "two").Encode(), sig: signFor(e, with("NumMedia", "two")), status: 400, reason: "NumMedia"},
		{name: "missing MediaUrl", body: with("NumMedia", "1").Encode(), sig: signFor(e, with("NumMedia", "1")), status: 400, reason: "MediaUrl0 is missing"},
		{name: "GET", method: http.MethodGet, status: 405, reason: "POST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, _ := http.NewRequest(method, e.srv.URL+inPath, strings.NewReader(tc.body))
			ct := tc.contentType
			if ct == "" {
				ct = "application/x-www-form-urlencoded"
			}
			req.Header.Set("Content-Type", ct)
			if tc.sig != "" {
				req.Header.Set("X-Twilio-Signature", tc.sig)
			}
			resp, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d %s, want %d", resp.StatusCode, body, tc.status)
			}
			if reason := errorReason(t, resp, body); !strings.Contains(reason, tc.reason) {
				t.Fatalf("reason = %q, want it to mention %q", reason, tc.reason)
			}
		})
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 0 {
		t.Fatalf("messages = %d after rejected webhooks, want 0", n)
	}
	if n := e.count(t, `SELECT count(*) FROM contacts`); n != 0 {
		t.Fatalf("contacts = %d after rejected webhooks, want 0", n)
	}
}

func signFor(e *env, form url.Values) string { return e.sign(inPath, form) }

// Behind a proxy the signed URL is the public one: PublicURL, or the
// X-Forwarded-Proto and X-Forwarded-Host the proxy sets.
func TestInboundPublicURL(t *testing.T) {
	t.Parallel()
	form := readForm(t, "inbound.form")
	const public = "https://peyk.example.com"
	t.Run("PublicURL", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(c *twilio.Config) { c.PublicURL = public + "/" })
		sig := twilio.Signature(testToken, public+inPath+"?ch=1", form)
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+inPath+"?ch=1", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		if resp := do(t, e, req); resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		// The internal URL is not what Twilio signed.
		resp, _ := e.postSigned(t, inPath, form)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("internal URL signature: status = %d, want 403", resp.StatusCode)
		}
	})
	t.Run("forwarded headers", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, nil)
		sig := twilio.Signature(testToken, public+inPath, form)
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+inPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-Host", "peyk.example.com, internal-lb")
		if resp := do(t, e, req); resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d", resp.StatusCode)
		}
	})
}

func do(t testing.TB, e *env, req *http.Request) *http.Response {
	t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readAll(resp)
	return resp
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
