package email

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The account every test server knows.
const (
	testUser     = "support@example.com"
	testPassword = "s3cret"
)

// imapServer is go-imap's in-memory server on a loopback port.
type imapServer struct {
	host string
	port int
	user *imapmemserver.User
	ln   *connListener
}

type imapServerOptions struct {
	noIdle   bool        // advertise IMAP4rev1 only: no IDLE
	tls      *tls.Config // serve implicit TLS
	startTLS *tls.Config // offer STARTTLS
}

func newIMAPServer(t testing.TB, o imapServerOptions) *imapServer {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(testUser, testPassword)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	if o.noIdle {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}}
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		TLSConfig:    o.startTLS,
		Logger:       discardLogger{},
	})
	ln := listen(t, o.tls)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); ln.closeConns() })
	addr := ln.Addr().(*net.TCPAddr)
	return &imapServer{host: "127.0.0.1", port: addr.Port, user: user, ln: ln}
}

// appendMail adds raw to INBOX as a mail client would (APPEND); sessions
// in IDLE are told.
func (s *imapServer) appendMail(t testing.TB, raw []byte) imap.UID {
	t.Helper()
	data, err := s.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return data.UID
}

// recreateInbox deletes INBOX and creates it again: its UIDVALIDITY
// changes, as when a server rebuilds its index.
func (s *imapServer) recreateInbox(t testing.TB) {
	t.Helper()
	if err := s.user.Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := s.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
}

func (s *imapServer) config() Config {
	return Config{
		IMAP: IMAPConfig{Host: s.host, Port: s.port, TLS: TLSNone, User: testUser},
		SMTP: SMTPConfig{Host: "127.0.0.1", Port: 1, TLS: TLSNone, Auth: AuthNone},
		From: testUser, FromName: "Peyk Support",
	}
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// connListener remembers its connections so a test can cut them.
type connListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func listen(t testing.TB, tlsConf *tls.Config) *connListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	return &connListener{Listener: ln}
}

func (l *connListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

// closeConns cuts every connection accepted so far.
func (l *connListener) closeConns() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.Close()
	}
	l.conns = nil
}

// smtpServer is go-smtp on a loopback port, recording what it accepts.
// Recipients named in reject get that reply to RCPT TO.
type smtpServer struct {
	host string
	port int

	mu       sync.Mutex
	received []receivedMail
	reject   map[string]*smtp.SMTPError
	noPlus   bool
	resets   int // RSET commands (and the implicit ones of new mails)
}

type receivedMail struct {
	From string
	To   []string
	Data []byte
	Auth string // the user who authenticated, if any
}

type smtpServerOptions struct {
	tls      *tls.Config // serve implicit TLS
	startTLS *tls.Config // offer STARTTLS
	// noPlus refuses plus-addressed recipients (user+tag@…) with 550, as
	// Postfix does without recipient_delimiter.
	noPlus bool
}

func newSMTPServer(t testing.TB, o smtpServerOptions) *smtpServer {
	t.Helper()
	s := &smtpServer{reject: map[string]*smtp.SMTPError{
		"gone@customer.example": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"},
		"busy@customer.example": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"},
	}, noPlus: o.noPlus}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: s}, nil
	}))
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.TLSConfig = o.startTLS
	ln := listen(t, o.tls)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.host, s.port = "127.0.0.1", ln.Addr().(*net.TCPAddr).Port
	return s
}

func (s *smtpServer) mails() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.received...)
}

func (s *smtpServer) smtpConfig(auth string) SMTPConfig {
	c := SMTPConfig{Host: s.host, Port: s.port, TLS: TLSNone, Auth: auth}
	if auth != AuthNone {
		c.User = testUser
	}
	return c
}

type smtpSession struct {
	srv  *smtpServer
	user string
	mail receivedMail
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		if username != testUser || password != testPassword {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
	case sasl.Login:
		return newLoginServer(check), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.mail = receivedMail{From: from, Auth: s.user}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.srv.reject[strings.ToLower(to)]; err != nil {
		return err
	}
	if local, _, _ := strings.Cut(to, "@"); s.srv.noPlus && strings.Contains(local, "+") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "<" + to + ">: Recipient address rejected: User unknown in local recipient table"}
	}
	s.mail.To = append(s.mail.To, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mail.Data = data
	s.srv.mu.Lock()
	s.srv.received = append(s.srv.received, s.mail)
	s.srv.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset() {
	s.mail = receivedMail{Auth: s.user}
	s.srv.mu.Lock()
	s.srv.resets++
	s.srv.mu.Unlock()
}
func (s *smtpSession) Logout() error { return nil }

// loginServer is the server side of the LOGIN mechanism (go-sasl has only
// the client side): it asks for the user name, then the password.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func newLoginServer(check func(user, pass string) error) *loginServer {
	return &loginServer{check: check}
}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch l.step {
	case 0:
		l.step++
		if len(response) > 0 { // initial response carries the user name
			l.user = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user = string(response)
		l.step++
		return []byte("Password:"), false, nil
	case 2:
		l.step++
		return nil, true, l.check(l.user, string(response))
	}
	return nil, true, errors.New("login: unexpected step")
}

// testCert returns a server TLS config with a fresh self-signed
// certificate for 127.0.0.1, and a client config that trusts it.
func testCert(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "peyk test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool}
	return server, client
}

// deadPort returns a loopback port nothing listens on.
func deadPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
