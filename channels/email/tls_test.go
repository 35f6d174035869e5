package email

import (
	"context"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// TestTLSModes runs the test action, a receive and a send over implicit
// TLS and over STARTTLS, against servers with a self-signed certificate
// the client is told to trust.
func TestTLSModes(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := testCert(t)
	for _, mode := range []string{TLSImplicit, TLSStartTLS} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			io, so := imapServerOptions{}, smtpServerOptions{}
			if mode == TLSImplicit {
				io.tls, so.tls = serverTLS, serverTLS
			} else {
				io.startTLS, so.startTLS = serverTLS, serverTLS
			}
			imapSrv, smtpSrv := newIMAPServer(t, io), newSMTPServer(t, so)
			cfg := imapSrv.config()
			cfg.IMAP.TLS = mode
			cfg.SMTP = smtpSrv.smtpConfig(AuthLogin)
			cfg.SMTP.TLS = mode
			sec := Secrets{IMAPPassword: testPassword, SMTPPassword: testPassword}

			if err := (Tester{Config: cfg, Secrets: sec, tlsConfig: clientTLS}).Test(context.Background()); err != nil {
				t.Fatalf("Test: %v", err)
			}
			if err := (Tester{Config: cfg, Secrets: sec}).Test(context.Background()); err == nil ||
				!strings.Contains(err.Error(), "certificate") {
				t.Errorf("Test with the system roots: %v, want a certificate error", err)
			}

			ib := newTestInbox(t)
			imapSrv.appendMail(t, customerMail("a@example.net", testUser, "Over TLS", "tls-1@example.net", "", "hi"))
			r := newTestReceiver(t, imapSrv, ib.channel, func(c *Config) { c.IMAP.TLS = mode })
			r.tlsConfig = clientTLS
			startReceiver(t, r, "", ib)
			ib.waitCount(t, 1)

			s := NewSender(cfg, sec)
			s.tlsConfig = clientTLS
			out := channels.Outbound{To: channels.Identity{Kind: channels.IdentityEmail, Value: "a@example.net"},
				Text: "hello", Subject: "Over TLS", Thread: channels.Thread{MessageID: "tls-out@example.com"}}
			if _, err := s.Send(context.Background(), out); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := smtpSrv.mails(); len(got) != 1 || got[0].Auth != testUser {
				t.Errorf("server got %+v", got)
			}
		})
	}
}
