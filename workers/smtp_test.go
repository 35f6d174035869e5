package workers_test

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/email"
)

// mailServer is an in-process SMTP server that keeps what it receives and
// answers 550 for gone@customer.example.
type mailServer struct {
	port int
	mu   sync.Mutex
	data []string
}

func newMailServer(t testing.TB) *mailServer {
	t.Helper()
	s := &mailServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{s: s}, nil }))
	srv.Domain, srv.ReadTimeout, srv.WriteTimeout = "mx.test", 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	s.port = ln.Addr().(*net.TCPAddr).Port
	return s
}

func (s *mailServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.data...)
}

// Sender implements workers.Senders with the real email sender.
func (s *mailServer) Sender(context.Context, int64) (channels.Sender, error) {
	cfg := email.Config{From: "support@shop.ir", FromName: "Shop", ReplyToken: true,
		SMTP: email.SMTPConfig{Host: "127.0.0.1", Port: s.port, TLS: email.TLSNone, Auth: email.AuthNone}}
	return email.NewSender(cfg, email.Secrets{}), nil
}

type mailSession struct {
	s  *mailServer
	to string
}

func (m *mailSession) Mail(string, *smtp.MailOptions) error { return nil }

func (m *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.EqualFold(to, "gone@customer.example") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	m.to = to
	return nil
}

func (m *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.s.mu.Lock()
	m.s.data = append(m.s.data, string(b))
	m.s.mu.Unlock()
	return nil
}

func (m *mailSession) Reset()        {}
func (m *mailSession) Logout() error { return nil }
