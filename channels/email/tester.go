package email

import (
	"context"
	"crypto/tls"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/peykhq/peyk/channels"
)

// Tester checks an email channel's configuration against its servers; it
// is the channel's "test connection" action.
type Tester struct {
	Config  Config
	Secrets Secrets

	tlsConfig *tls.Config // settable by this package's tests
}

var _ channels.Tester = Tester{}

// Test checks the configuration, logs in to IMAP and selects the mailbox
// (read-only), then connects to SMTP and, when auth is configured,
// authenticates. The error says which step failed and why:
// "config: …", "imap connect: …", "imap login: …", "imap select: …",
// "smtp connect: …" or "smtp auth: …".
func (t Tester) Test(ctx context.Context) error {
	if err := t.Config.Validate(); err != nil {
		return err
	}
	cfg := t.Config.WithDefaults()
	if err := testIMAP(ctx, cfg.IMAP, t.Secrets.IMAPPassword, t.tlsConfig); err != nil {
		return fmt.Errorf("email: %w", err)
	}
	if err := testSMTP(ctx, cfg, t.Secrets, t.tlsConfig); err != nil {
		return fmt.Errorf("email: %w", err)
	}
	return nil
}

// Test is Tester{Config: cfg, Secrets: sec}.Test(ctx).
func Test(ctx context.Context, cfg Config, sec Secrets) error {
	return Tester{Config: cfg, Secrets: sec}.Test(ctx)
}

func testIMAP(ctx context.Context, cfg IMAPConfig, password string, tlsConf *tls.Config) error {
	c, err := dialIMAP(ctx, cfg, tlsConf, &imapclient.Options{})
	if err != nil {
		return fmt.Errorf("imap connect: %w", err)
	}
	defer c.Close()
	defer context.AfterFunc(ctx, func() { c.Close() })()
	if err := c.Login(cfg.User, password).Wait(); err != nil {
		return fmt.Errorf("imap login: %w", err)
	}
	if _, err := c.Select(cfg.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return fmt.Errorf("imap select %q: %w", cfg.Mailbox, err)
	}
	_ = c.Logout().Wait()
	return nil
}

func testSMTP(ctx context.Context, cfg Config, sec Secrets, tlsConf *tls.Config) error {
	noAuth := cfg
	noAuth.SMTP.Auth = AuthNone
	steps := []struct {
		name string
		cfg  Config
	}{{"smtp connect", noAuth}, {"smtp auth", cfg}}
	for _, step := range steps {
		if step.name == "smtp auth" && cfg.SMTP.Auth == AuthNone {
			break
		}
		s := &Sender{cfg: step.cfg, sec: sec, tlsConfig: tlsConf}
		client, err := s.client()
		if err == nil {
			err = client.DialWithContext(ctx)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
		_ = client.Close()
	}
	return nil
}
