package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/textproto"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/peykhq/peyk/channels"
)

// Tester checks an email channel's configuration against its servers; it
// is the channel's "test connection" action.
type Tester struct {
	Config  Config
	Secrets Secrets
	// Log, when set, gets the line saying whether the SMTP server accepts
	// the channel's address plus-addressed (see PlusProbe).
	Log *slog.Logger

	tlsConfig *tls.Config // settable by this package's tests
}

var _ channels.Tester = Tester{}

// PlusProbe is what the SMTP server answered when asked, without sending
// anything, whether it takes mail for the channel's address
// plus-addressed (support+peyktest@example.com): the reply token needs it.
type PlusProbe struct {
	// Address is the plus address probed.
	Address string
	// Accepted reports whether the server accepted it as a recipient.
	Accepted bool
	// Err is the server's refusal (550 …), or why the probe could not be
	// made; nil when Accepted.
	Err error
}

// String is the probe's result as one line for the operator.
func (p PlusProbe) String() string {
	switch {
	case p.Accepted:
		return fmt.Sprintf("smtp plus address: the server accepts %s; reply_token can be on", p.Address)
	case isSMTPReply(p.Err):
		return fmt.Sprintf("smtp plus address: the server refuses %s (%v); keep reply_token off "+
			"or enable subaddressing (Postfix: recipient_delimiter = +)", p.Address, p.Err)
	}
	return fmt.Sprintf("smtp plus address: could not tell whether the server accepts %s: %v", p.Address, p.Err)
}

// TestResult is what a passed Test found worth telling the operator.
type TestResult struct {
	// Notes are lines for the operator: the plus-address probe's result
	// (PlusProbe.String).
	Notes []string
}

// Test checks the configuration, logs in to IMAP and selects the mailbox
// (read-only), then connects to SMTP and, when auth is configured,
// authenticates, and probes the plus address (see Check). The error says
// which step failed and why: "config: …", "imap connect: …",
// "imap login: …", "imap select: …", "smtp connect: …", "smtp auth: …",
// or, only when ReplyToken is on, "smtp plus address: …". The probe's line
// goes to Log and, as a note, to the collector of ctx
// (channels.WithNotes) either way.
func (t Tester) Test(ctx context.Context) error {
	res, err := t.Run(ctx)
	for _, n := range res.Notes {
		channels.Note(ctx, n)
	}
	return err
}

// Run is Test returning its notes instead of adding them to ctx; they are
// set whenever the probe ran, so with the error of a refused probe too.
func (t Tester) Run(ctx context.Context) (TestResult, error) {
	probe, err := t.Check(ctx)
	if err != nil {
		return TestResult{}, err
	}
	res := TestResult{Notes: []string{probe.String()}}
	if t.Log != nil {
		level := slog.LevelInfo
		if !probe.Accepted {
			level = slog.LevelWarn
		}
		t.Log.Log(ctx, level, probe.String(), "reply_token", t.Config.ReplyToken)
	}
	if t.Config.ReplyToken && !probe.Accepted {
		return res, fmt.Errorf("email: %s", probe)
	}
	return res, nil
}

// Check is Test without its verdict on the probe: it returns the error of
// a failed step, or the plus-address probe's result. The probe opens its
// own SMTP session and sends MAIL FROM with the channel's address, RCPT TO
// with the plus address, then RSET and QUIT: no message is sent.
func (t Tester) Check(ctx context.Context) (PlusProbe, error) {
	if err := t.Config.Validate(); err != nil {
		return PlusProbe{}, err
	}
	cfg := t.Config.WithDefaults()
	if err := testIMAP(ctx, cfg.IMAP, t.Secrets.IMAPPassword, t.tlsConfig); err != nil {
		return PlusProbe{}, fmt.Errorf("email: %w", err)
	}
	if err := testSMTP(ctx, cfg, t.Secrets, t.tlsConfig); err != nil {
		return PlusProbe{}, fmt.Errorf("email: %w", err)
	}
	return probePlus(ctx, &Sender{cfg: cfg, sec: t.Secrets, tlsConfig: t.tlsConfig}), nil
}

// Test is Tester{Config: cfg, Secrets: sec}.Test(ctx).
func Test(ctx context.Context, cfg Config, sec Secrets) error {
	return Tester{Config: cfg, Secrets: sec}.Test(ctx)
}

// probeTag is the token of the probed plus address.
const probeTag = "peyktest"

// probePlus asks the SMTP server whether it takes mail for the channel's
// address plus-addressed: MAIL FROM, RCPT TO, then RSET and QUIT.
func probePlus(ctx context.Context, s *Sender) PlusProbe {
	p := PlusProbe{Address: plusAddress(s.cfg.From, probeTag)}
	client, err := s.client()
	if err != nil {
		p.Err = err
		return p
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		p.Err = fmt.Errorf("connect: %w", err)
		return p
	}
	defer func() { _ = client.CloseWithSMTPClient(sc) }()
	if err := sc.Mail("<" + s.cfg.From + ">"); err != nil {
		p.Err = fmt.Errorf("MAIL FROM: %w", err)
		return p
	}
	if err := sc.Rcpt("<" + p.Address + ">"); err != nil {
		p.Err = err
	} else {
		p.Accepted = true
	}
	_ = sc.Reset()
	return p
}

// isSMTPReply reports whether err is a reply of the SMTP server (a code
// such as 550) rather than a failure to talk to it.
func isSMTPReply(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te)
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
