package email

import (
	"context"
	"errors"
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
