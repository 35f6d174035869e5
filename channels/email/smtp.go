package email

import (
	"errors"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// sendTimeout bounds connecting to the SMTP server and each step of the
// conversation with it.
const sendTimeout = 30 * time.Second

// client returns a go-mail client for the configured server, TLS mode and
// authentication.
func (s *Sender) client() (*gomail.Client, error) {
	c := s.cfg.SMTP
	_, domain, _ := strings.Cut(s.cfg.From, "@")
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(sendTimeout), gomail.WithHELO(domain)}
	if s.tlsConfig != nil {
		tc := s.tlsConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = c.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	switch c.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	// Without TLS, go-mail refuses PLAIN and LOGIN except to localhost
	// unless told otherwise; the operator chose "none" knowingly.
	noEnc := c.TLS == TLSNone
	switch c.Auth {
	case AuthPlain:
		opts = append(opts, gomail.WithSMTPAuth(pick(noEnc, gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthPlain)))
	case AuthLogin:
		opts = append(opts, gomail.WithSMTPAuth(pick(noEnc, gomail.SMTPAuthLoginNoEnc, gomail.SMTPAuthLogin)))
	}
	if c.Auth == AuthPlain || c.Auth == AuthLogin {
		opts = append(opts, gomail.WithUsername(c.User), gomail.WithPassword(s.sec.SMTPPassword))
	}
	return gomail.NewClient(c.Host, opts...)
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// permanent reports whether err carries a 5xx SMTP reply.
func permanent(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		if code := se.ErrorCode(); code >= 500 && code < 600 {
			return true
		}
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}
