package email

import (
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// dialTimeout bounds connecting and the TLS handshake.
const dialTimeout = 30 * time.Second

// dialIMAP connects to the IMAP server in the configured TLS mode and
// waits for its greeting. tlsConf may be nil (system roots, ServerName
// from the host).
func dialIMAP(ctx context.Context, cfg IMAPConfig, tlsConf *tls.Config, opts *imapclient.Options) (*imapclient.Client, error) {
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	if tlsConf == nil {
		tlsConf = &tls.Config{}
	}
	tlsConf = tlsConf.Clone()
	if tlsConf.ServerName == "" {
		tlsConf.ServerName = cfg.Host
	}
	if opts.WordDecoder == nil {
		opts.WordDecoder = &mime.WordDecoder{CharsetReader: wordDecoder.CharsetReader}
	}
	opts.TLSConfig = tlsConf
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	// Until the greeting, ctx ending closes the connection, which fails
	// whatever step is waiting.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	c, err := handshake(conn, cfg.TLS, tlsConf, opts)
	if !stop() {
		if c != nil {
			c.Close()
		}
		return nil, ctx.Err()
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// handshake sets up TLS as the mode asks and waits for the greeting.
func handshake(conn net.Conn, mode string, tlsConf *tls.Config, opts *imapclient.Options) (*imapclient.Client, error) {
	var c *imapclient.Client
	switch mode {
	case TLSImplicit:
		if tlsConf.NextProtos == nil {
			tlsConf.NextProtos = []string{"imap"}
		}
		tc := tls.Client(conn, tlsConf)
		if err := tc.Handshake(); err != nil {
			return nil, fmt.Errorf("tls: %w", err)
		}
		c = imapclient.New(tc, opts)
	case TLSStartTLS:
		var err error
		if c, err = imapclient.NewStartTLS(conn, opts); err != nil {
			return nil, fmt.Errorf("starttls: %w", err)
		}
	default:
		c = imapclient.New(conn, opts)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	return c, nil
}
