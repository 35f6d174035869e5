package redact_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/redact"
)

func TestName(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "pass": true, "Passwd": true, "pwd": true, "X-Api-Key": true, "api_key": true,
		"apikey": true, "key": true, "secret": true, "callback_secret": true, "auth_token": true,
		"Authorization": true, "token": true, "signature": true, "sig": true, "credentials": true,
		"username": false, "user": false, "to": false, "text": false, "from": false, "keyword": false,
		"dlr-url": false, "dlr-mask": false, "secret_header": false, "secret_params": false, "": false,
		"smsc": true, // listed as extra below
	} {
		if got := redact.Name(name, "SMSC"); got != want {
			t.Errorf("Name(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://kannel:13013/cgi-bin/sendsms?username=peyk&password=s3cr%26t&to={{.To}}",
			"http://kannel:13013/cgi-bin/sendsms?username=peyk&password=REDACTED&to={{.To}}"},
		{"https://peyk:hunter22@gw.example.com/send?api_key=abc&x=1", "https://peyk:REDACTED@gw.example.com/send?api_key=REDACTED&x=1"},
		{`{"user": "peyk", "password": "p\"w", "to": {{json .To}}}`, `{"user": "peyk", "password": "REDACTED", "to": {{json .To}}}`},
		{"user=peyk&pass=x y", "user=peyk&pass=REDACTED y"},
		{"token= &to=1", "token= &to=1"},
		{"no secrets here: from=1&to=2", "no secrets here: from=1&to=2"},
		{"", ""},
	} {
		if got := redact.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
	if got := redact.Text("a?smsc=fake&to=1", "smsc"); got != "a?smsc=REDACTED&to=1" {
		t.Errorf("extra name: %q", got)
	}
}

func TestValues(t *testing.T) {
	got := redact.Values(`http://u:pw12@h/?password=a%26b&x=1 {"token": "t\u0041k"}`)
	want := []string{"pw12", "a%26b", "a&b", `t\u0041k`, "tAk"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Values = %q, want %q", got, want)
	}
}

func TestRedactorError(t *testing.T) {
	r := redact.New("p@ss w&rd", "abc", "")
	u := "http://127.0.0.1:1/cgi-bin/sendsms?username=peyk&password=" + url.QueryEscape("p@ss w&rd")
	base := &url.Error{Op: "Get", URL: u, Err: errors.New("connection refused")}
	err := r.Error(fmt.Errorf("generic: send: %w: %w", base, channels.ErrPermanent))
	if strings.Contains(err.Error(), "w&rd") || strings.Contains(err.Error(), "w%26rd") || !strings.Contains(err.Error(), "password=REDACTED") {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, channels.ErrPermanent) {
		t.Fatal("the chain is lost")
	}
	var ue *url.Error
	if !errors.As(err, &ue) || strings.Contains(ue.Error(), "w%26rd") {
		t.Fatalf("url.Error = %v", ue)
	}
	// Short values are not searched for: "abc" stays in ordinary text.
	if got := r.String("abcdef p@ss w&rd"); got != "abcdef REDACTED" {
		t.Fatalf("String = %q", got)
	}
	if r.Error(nil) != nil || (*redact.Redactor)(nil).String("x") != "x" {
		t.Fatal("nil handling")
	}
}

func TestSettings(t *testing.T) {
	raw := json.RawMessage(`{
		"driver": "generic",
		"send_url": "http://kannel:13013/cgi-bin/sendsms?username=peyk&password=hunter22&smsc=line-7",
		"method": "GET",
		"headers": {"Authorization": "Bearer tok-123456", "X-Trace": "on"},
		"form": {"to": "{{.To}}", "pin": "9876", "dlr-url": "https://peyk.example.com/webhooks/7/status?secret=whsec-42&id={{.MessageID}}&status=%d",
			"note": "copy of whsec-42 and ` + url.QueryEscape("whsec-42") + `"},
		"body": "{\"api_key\": \"k-777777\", \"to\": {{json .To}}}",
		"nested": "http://k/s?dlr-url=` + url.QueryEscape("https://p/w?token=nest-8888&id=1") + `",
		"secret": "whsec-42",
		"secret_params": ["pin"],
		"secret_header": "X-Gateway-Token",
		"status": {"values": {"1": "delivered"}},
		"poll_seconds": 30
	}`)
	out := string(redact.Settings(raw, "secret"))
	for _, leak := range []string{"hunter22", "tok-123456", "9876", "whsec-42", "k-777777", "nest-8888"} {
		if strings.Contains(out, leak) {
			t.Errorf("public settings show %q:\n%s", leak, out)
		}
	}
	for _, keep := range []string{`"username=peyk`, `smsc=line-7`, `"X-Trace":"REDACTED"`, `"to":"{{.To}}"`, `"secret_header":"X-Gateway-Token"`,
		`"poll_seconds":30`, `"1":"delivered"`, `id={{.MessageID}}&status=%d`} {
		if !strings.Contains(out, strings.TrimPrefix(keep, `"`)) {
			t.Errorf("public settings lack %s:\n%s", keep, out)
		}
	}
	if strings.Contains(out, `"secret":`) {
		t.Errorf("dropped key is back:\n%s", out)
	}
	if got := string(redact.Settings(json.RawMessage(`[1]`))); got != "{}" {
		t.Errorf("non-object = %s", got)
	}
}

// FuzzText checks that Text never panics, never lets the value of a
// password pair through, and that a Redactor masks what it was given.
func FuzzText(f *testing.F) {
	f.Add("http://u:pw@h/?password=abcd&to=1", "abcd")
	f.Add(`{"token": "xyz1"}`, "xyz1")
	f.Add("a=b&&=&password=", "")
	f.Fuzz(func(t *testing.T, s, secret string) {
		_ = redact.Text(s)
		_ = redact.Values(s)
		if len(secret) >= redact.MinLen && !strings.Contains(redact.Mask, secret) {
			got := redact.New(secret).String("before " + s + " " + secret + " after")
			if strings.Contains(got, " "+secret+" ") {
				t.Fatalf("secret %q survived: %q", secret, got)
			}
		}
		v := "password=" + url.QueryEscape(secret)
		if got := redact.Text("?" + v + "&x=1"); secret != "" && got != "?password=REDACTED&x=1" {
			t.Fatalf("Text(%q) = %q", v, got)
		}
	})
}
