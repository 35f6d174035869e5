package email

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
)

func validConfig() Config {
	return Config{
		IMAP: IMAPConfig{Host: "imap.example.com", Port: 993, TLS: TLSImplicit, User: "support@example.com"},
		SMTP: SMTPConfig{Host: "smtp.example.com", Port: 587, TLS: TLSStartTLS, User: "support@example.com", Auth: AuthPlain},
		From: "support@example.com", FromName: "پشتیبانی پیک",
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		adjust func(*Config)
		want   string // a substring of the error; empty means valid
	}{
		{name: "valid"},
		{name: "no smtp auth", adjust: func(c *Config) { c.SMTP.Auth, c.SMTP.User = AuthNone, "" }},
		{name: "imap host", adjust: func(c *Config) { c.IMAP.Host = " " }, want: "imap host is empty"},
		{name: "imap port", adjust: func(c *Config) { c.IMAP.Port = 0 }, want: "imap port 0 is not between 1 and 65535"},
		{name: "imap tls", adjust: func(c *Config) { c.IMAP.TLS = "ssl" }, want: `imap tls "ssl" is not one of tls, starttls, none`},
		{name: "imap user", adjust: func(c *Config) { c.IMAP.User = "" }, want: "imap user is empty"},
		{name: "smtp port", adjust: func(c *Config) { c.SMTP.Port = 70000 }, want: "smtp port 70000"},
		{name: "smtp auth", adjust: func(c *Config) { c.SMTP.Auth = "cram-md5" }, want: `smtp auth "cram-md5" is not one of plain, login, none`},
		{name: "smtp user", adjust: func(c *Config) { c.SMTP.User = "" }, want: "smtp user is empty but auth is plain"},
		{name: "from with name", adjust: func(c *Config) { c.From = "Support <support@example.com>" }, want: "is not a bare address"},
		{name: "from with tag", adjust: func(c *Config) { c.From = "support+x@example.com" }, want: "already has a +tag"},
		{name: "poll interval", adjust: func(c *Config) { c.PollInterval = Duration(-time.Second) }, want: "poll interval -1s is negative"},
		{name: "batch size", adjust: func(c *Config) { c.BatchSize = 20000 }, want: "batch size 20000"},
		{name: "reply token", adjust: func(c *Config) { c.ReplyToken = true }},
		{name: "history skip", adjust: func(c *Config) { c.History, c.SyncSince = HistorySkip, Duration(time.Hour) }},
		{name: "history", adjust: func(c *Config) { c.History = "archive" }, want: `history "archive" is not one of resolved, skip`},
		{name: "sync since", adjust: func(c *Config) { c.SyncSince = Duration(-time.Hour) }, want: "sync_since -1h0m0s is negative"},
		{name: "several", adjust: func(c *Config) { c.IMAP.Host, c.SMTP.Host = "", "" }, want: "imap host is empty; smtp host is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := validConfig()
			if c.adjust != nil {
				c.adjust(&cfg)
			}
			err := cfg.Validate()
			if c.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, channels.ErrInvalid) {
				t.Errorf("Validate: %v, want an ErrInvalid containing %q", err, c.want)
			}
		})
	}
}

func TestConfigJSON(t *testing.T) {
	cfg := validConfig()
	cfg.PollInterval = Duration(90 * time.Second)
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"poll_interval":"1m30s"`) || strings.Contains(strings.ToLower(string(js)), "password") {
		t.Errorf("config JSON %s", js)
	}
	var back Config
	if err := json.Unmarshal(js, &back); err != nil || back != cfg {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"poll_interval": 30}`), &back); err != nil || back.PollInterval != Duration(30*time.Second) {
		t.Errorf("seconds as a number: %v, %v", time.Duration(back.PollInterval), err)
	}
	if err := json.Unmarshal([]byte(`{"poll_interval": "soon"}`), &back); err == nil {
		t.Error("a bad duration was accepted")
	}
	d := Config{}.WithDefaults()
	if d.IMAP.Mailbox != "INBOX" || time.Duration(d.PollInterval) != time.Minute || d.BatchSize != 100 ||
		time.Duration(d.SyncSince) != 7*24*time.Hour || d.History != HistoryResolved || d.ReplyToken {
		t.Errorf("defaults: %+v", d)
	}
}

func TestCursor(t *testing.T) {
	for _, c := range []struct {
		in   string
		want cursor
		bad  bool
	}{
		{in: "", want: cursor{}},
		{in: "1700000000:42", want: cursor{validity: 1700000000, last: 42}},
		{in: "1700000000:42:1790000000", want: cursor{validity: 1700000000, last: 42, since: 1790000000}},
		{in: "1:2:x", bad: true},
		{in: "1:2:3:4", bad: true},
		{in: "42", bad: true},
		{in: "a:b", bad: true},
		{in: "1:-1", bad: true},
		{in: "99999999999:1", bad: true},
	} {
		got, err := parseCursor(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("parseCursor(%q) = %v, %v", c.in, got, err)
		}
		if !c.bad && c.in != "" && got.String() != c.in {
			t.Errorf("String() = %q, want %q", got.String(), c.in)
		}
	}
}
