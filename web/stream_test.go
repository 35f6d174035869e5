package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// slowLinkListener accepts connections with a fixed send buffer of 64 KiB,
// so a response of megabytes waits on the client reading it, as on a slow
// link (loopback buffers would otherwise grow to take it all at once;
// buffers far below the loopback MSS stall TCP itself).
type slowLinkListener struct{ net.Listener }

func (l slowLinkListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(64 << 10)
	}
	return c, err
}

// slowGet fetches url with header and reads the body 32 KiB at a time
// with a pause after each read, through a connection with a fixed receive
// buffer of 64 KiB. It returns the status and what it read, or the error reading
// ended with.
func slowGet(t *testing.T, url string, header http.Header) (int, []byte, error) {
	t.Helper()
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(64 << 10)
		}
		return c, err
	}}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header = header
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got bytes.Buffer
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		got.Write(buf[:n])
		if err == io.EOF {
			return resp.StatusCode, got.Bytes(), nil
		}
		if err != nil {
			return resp.StatusCode, got.Bytes(), err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSlowDownloadsOutliveWriteTimeout: an attachment download and a CSV
// export read slowly, for much longer in all than the server's write
// timeout but never stalling for one, arrive whole (review 13, item 2).
func TestSlowDownloadsOutliveWriteTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	ib := inbox.New(pool, inbox.Config{}, nil)
	users := auth.NewStore(pool, 4)
	admin, err := users.CreateUser(ctx, auth.NewUser{Email: "admin@peyk.ir", Name: "Admin", Role: auth.RoleAdmin,
		Password: "long enough", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := users.CreateToken(ctx, admin.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	session, _, err := users.CreateSession(ctx, admin.ID, auth.SessionInfo{UserAgent: "test"})
	if err != nil {
		t.Fatal(err)
	}
	email, err := ib.CreateChannel(ctx, channels.Email, "Support mail", nil)
	if err != nil {
		t.Fatal(err)
	}
	// 4 MiB of attachment; each read of 32 KiB is followed by 20 ms, so
	// the download takes seconds: a few times the write timeout.
	data := bytes.Repeat([]byte("0123456789abcdef"), 4<<20/16)
	err = ib.Ingest(ctx, []channels.Inbound{{ChannelID: email, ExternalID: "<big@example.com>", Kind: channels.KindEmail,
		From: channels.Identity{Kind: channels.IdentityEmail, Value: "sara@example.com"}, Text: "see attached",
		SentAt: time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC), Thread: channels.Thread{MessageID: "big@example.com", Subject: "big"},
		Attachments: []channels.Attachment{{Name: "big.bin", ContentType: "application/octet-stream", Data: data}}}})
	if err != nil {
		t.Fatal(err)
	}
	var msg int64
	if err := pool.QueryRow(ctx, `SELECT id FROM messages WHERE external_id = '<big@example.com>'`).Scan(&msg); err != nil {
		t.Fatal(err)
	}
	// 1,000 channels with long names make the requests CSV (a column per
	// channel, a row per day of a year) some 3.7 MB.
	if _, err := pool.Exec(ctx, `INSERT INTO channels (kind, name, config)
		SELECT 'sms', 'line ' || n || ' ' || repeat('x', 3000), '{}' FROM generate_series(1, 1000) n`); err != nil {
		t.Fatal(err)
	}

	const timeout = time.Second
	hs := web.NewHTTPServer(web.New(web.Deps{Version: "test", Inbox: ib, Contacts: crm.NewStore(pool),
		Templates: templates.NewStore(pool), Users: users, Sessions: users, Reports: kpi.New(pool)}).Handler(),
		web.ServerConfig{WriteTimeout: timeout}, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hs.Serve(slowLinkListener{ln}) }()
	t.Cleanup(func() { _ = hs.Close() })
	base := "http://" + ln.Addr().String()

	cases := []struct {
		name, path string
		header     http.Header
		min        int
		check      func([]byte) bool
	}{
		{"attachment", fmt.Sprintf("/attachments/%d/0", msg),
			http.Header{"Cookie": {"peyk_session=" + session}}, len(data),
			func(b []byte) bool { return bytes.Equal(b, data) }},
		{"csv export", "/api/v1/reports/requests.csv?locale=en&from=2025-03-21&to=2026-03-20",
			http.Header{"Authorization": {"Bearer " + token}}, 3 << 20,
			func(b []byte) bool { return bytes.HasSuffix(b, []byte("\n")) && bytes.Count(b, []byte("\n")) == 366 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, got, err := slowGet(t, base+tc.path, tc.header)
			if err != nil {
				t.Fatalf("cut off after %d bytes: %v", len(got), err)
			}
			if status != http.StatusOK || len(got) < tc.min || !tc.check(got) {
				t.Fatalf("status %d, %d bytes (want at least %d, whole): %.200q", status, len(got), tc.min, got)
			}
		})
	}
}
