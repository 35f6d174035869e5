package email

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
)

func TestTester(t *testing.T) {
	t.Parallel()
	imapSrv := newIMAPServer(t, imapServerOptions{})
	smtpSrv := newSMTPServer(t, smtpServerOptions{})
	good := imapSrv.config()
	good.SMTP = smtpSrv.smtpConfig(AuthPlain)
	sec := Secrets{IMAPPassword: testPassword, SMTPPassword: testPassword}
	for _, c := range []struct {
		name   string
		adjust func(*Config, *Secrets)
		want   string // prefix of the error after "email: "; empty means success
	}{
		{name: "ok"},
		{name: "ok without smtp auth", adjust: func(c *Config, _ *Secrets) { c.SMTP.Auth, c.SMTP.User = AuthNone, "" }},
		{name: "bad config", adjust: func(c *Config, _ *Secrets) { c.IMAP.Host = "" }, want: "config: imap host is empty"},
		{name: "imap down", adjust: func(c *Config, _ *Secrets) { c.IMAP.Port = deadPort(t) }, want: "imap connect: "},
		{name: "imap password", adjust: func(_ *Config, s *Secrets) { s.IMAPPassword = "nope" }, want: "imap login: "},
		{name: "imap mailbox", adjust: func(c *Config, _ *Secrets) { c.IMAP.Mailbox = "Support" }, want: `imap select "Support": `},
		{name: "smtp down", adjust: func(c *Config, _ *Secrets) { c.SMTP.Port = deadPort(t) }, want: "smtp connect: "},
		{name: "smtp password", adjust: func(_ *Config, s *Secrets) { s.SMTPPassword = "nope" }, want: "smtp auth: "},
		{name: "imap tls against a plain server", adjust: func(c *Config, _ *Secrets) { c.IMAP.TLS = TLSImplicit }, want: "imap connect: tls: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg, s := good, sec
			if c.adjust != nil {
				c.adjust(&cfg, &s)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := Test(ctx, cfg, s)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Test: %v", err)
			case c.want == "":
			case err == nil:
				t.Fatalf("Test succeeded, want %q", c.want)
			case !strings.HasPrefix(strings.TrimPrefix(err.Error(), "email: "), c.want):
				t.Errorf("Test: %v, want it to start with %q", err, c.want)
			}
			if c.name == "bad config" && !errors.Is(err, channels.ErrInvalid) {
				t.Errorf("bad config: %v does not wrap ErrInvalid", err)
			}
		})
	}
}

// TestTesterPlusProbe: the channel test asks the SMTP server, with MAIL
// FROM and RCPT TO but no message, whether it takes the plus address the
// reply token needs. A refusal is a line in the log while the token is
// off, and the test's failure once it is on; either way the probe's line
// is the test's note for the operator.
func TestTesterPlusProbe(t *testing.T) {
	t.Parallel()
	imapSrv := newIMAPServer(t, imapServerOptions{})
	sec := Secrets{IMAPPassword: testPassword, SMTPPassword: testPassword}
	for _, c := range []struct {
		name     string
		noPlus   bool
		token    bool
		accepted bool
		err      string // a substring of Test's error; empty means success
		line     string // a substring of the logged line
	}{
		{"accepted, token off", false, false, true, "", "accepts support+peyktest@example.com"},
		{"accepted, token on", false, true, true, "", "accepts support+peyktest@example.com"},
		{"refused, token off", true, false, false, "", "refuses support+peyktest@example.com (550"},
		{"refused, token on", true, true, false, "smtp plus address: the server refuses support+peyktest@example.com (550", "refuses"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			smtpSrv := newSMTPServer(t, smtpServerOptions{noPlus: c.noPlus})
			cfg := imapSrv.config()
			cfg.SMTP = smtpSrv.smtpConfig(AuthPlain)
			cfg.ReplyToken = c.token
			var logged strings.Builder
			tester := Tester{Config: cfg, Secrets: sec, Log: slog.New(slog.NewTextHandler(&logged, nil))}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			probe, err := tester.Check(ctx)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if probe.Accepted != c.accepted || probe.Address != "support+peyktest@example.com" {
				t.Errorf("probe %+v, want accepted %v", probe, c.accepted)
			}
			nctx, notes := channels.WithNotes(ctx)
			err = tester.Test(nctx)
			if got := notes.List(); len(got) != 1 || !strings.Contains(got[0], c.line) {
				t.Errorf("notes %q, want the probe's line with %q", got, c.line)
			}
			switch {
			case c.err == "" && err != nil:
				t.Errorf("Test: %v, want success", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Errorf("Test: %v, want an error with %q", err, c.err)
			}
			if !strings.Contains(logged.String(), c.line) {
				t.Errorf("logged %q, want a line with %q", logged.String(), c.line)
			}
			if n := len(smtpSrv.mails()); n != 0 {
				t.Errorf("the probe sent %d mails, want none", n)
			}
			smtpSrv.mu.Lock()
			resets := smtpSrv.resets
			smtpSrv.mu.Unlock()
			if resets == 0 {
				t.Error("the probe did not end its transaction with RSET")
			}
		})
	}
}
