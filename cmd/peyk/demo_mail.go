package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// The demo mailbox: its address and the IMAP password of the stand-in.
const (
	demoMailbox  = "support@peyk-demo.test"
	demoIMAPPass = "peyk-demo"
)

// demoIMAP is go-imap's in-memory IMAP server on a loopback port, holding
// the demo mailbox, into which simulated customers APPEND their mail.
type demoIMAP struct {
	port int
	user *imapmemserver.User
	srv  *imapserver.Server
}

func startDemoIMAP(log *slog.Logger) (*demoIMAP, error) {
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(demoMailbox, demoIMAPPass)
	if err := user.Create("INBOX", nil); err != nil {
		return nil, err
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true, // loopback only
		Logger:       slogPrintf{log.With("standin", "imap")},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = srv.Serve(ln) }()
	return &demoIMAP{port: ln.Addr().(*net.TCPAddr).Port, user: user, srv: srv}, nil
}

// deliver puts raw into INBOX as a mail server would; the receiver in IDLE
// is told at once.
func (m *demoIMAP) deliver(raw []byte) error {
	_, err := m.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{Time: time.Now()})
	return err
}

func (m *demoIMAP) close() { _ = m.srv.Close() }

// slogPrintf adapts a slog.Logger to the Printf loggers of go-imap and
// go-smtp, at debug level.
type slogPrintf struct{ log *slog.Logger }

func (l slogPrintf) Printf(format string, args ...any) { l.log.Debug(fmt.Sprintf(format, args...)) }
func (l slogPrintf) Println(args ...any)               { l.log.Debug(fmt.Sprint(args...)) }

// demoSMTP is go-smtp on a loopback port standing in for the outgoing
// mail server: it accepts every mail, as delivered, and keeps the latest
// ones so the demo can answer them and tests can read them.
type demoSMTP struct {
	port int
	srv  *smtp.Server
	log  *slog.Logger

	mu   sync.Mutex
	got  []demoMail
	seen func(demoMail) // called for each mail accepted; may be nil
}

// demoMail is one mail the SMTP stand-in accepted.
type demoMail struct {
	From string
	To   []string
	Data []byte
}

// demoMailsKept is how many accepted mails the stand-in remembers.
const demoMailsKept = 200

func startDemoSMTP(log *slog.Logger) (*demoSMTP, error) {
	s := &demoSMTP{log: log.With("standin", "smtp")}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &demoSMTPSession{srv: s}, nil
	}))
	s.srv.Domain = "smtp.peyk-demo.test"
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 25 << 20
	s.srv.ErrorLog = slogPrintf{s.log}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = s.srv.Serve(ln) }()
	s.port = ln.Addr().(*net.TCPAddr).Port
	return s, nil
}

// mails returns the mails accepted so far (the latest demoMailsKept).
func (s *demoSMTP) mails() []demoMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]demoMail(nil), s.got...)
}

func (s *demoSMTP) accept(m demoMail) {
	s.mu.Lock()
	s.got = append(s.got, m)
	if len(s.got) > demoMailsKept {
		s.got = s.got[len(s.got)-demoMailsKept:]
	}
	seen := s.seen
	s.mu.Unlock()
	s.log.Info("demo: mail delivered", "to", m.To, "bytes", len(m.Data))
	if seen != nil {
		seen(m)
	}
}

// onMail makes f see every mail accepted from now on.
func (s *demoSMTP) onMail(f func(demoMail)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = f
}

func (s *demoSMTP) close() { _ = s.srv.Close() }

// demoSMTPSession is one SMTP connection: no authentication (loopback).
type demoSMTPSession struct {
	srv  *demoSMTP
	mail demoMail
}

func (s *demoSMTPSession) Mail(from string, _ *smtp.MailOptions) error {
	s.mail = demoMail{From: from}
	return nil
}

func (s *demoSMTPSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.mail.To = append(s.mail.To, to)
	return nil
}

func (s *demoSMTPSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mail.Data = data
	s.srv.accept(s.mail)
	return nil
}

func (s *demoSMTPSession) Reset()        { s.mail = demoMail{} }
func (s *demoSMTPSession) Logout() error { return nil }
