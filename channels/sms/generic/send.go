package generic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/internal/hook"
)

// data is what the send templates see.
type data struct {
	To, From, Text string
	MessageID      int64
}

// Send renders the configured request for m and sends it. A 4xx reply
// wraps channels.ErrPermanent, 429 is a channels.RetryAfterError and other
// failures are retried. With ResponseIDPath set, a 2xx reply that lacks
// the id fails permanently (the message may have gone out; sending it
// again could send it twice).
func (g *Gateway) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	if len(m.Attachments) > 0 {
		return channels.SendResult{}, fmt.Errorf("generic: SMS cannot carry attachments: %w", channels.ErrPermanent)
	}
	req, err := g.request(ctx, data{To: m.To.Value, From: g.cfg.From, Text: m.Text, MessageID: m.MessageID})
	if err != nil {
		return channels.SendResult{}, fmt.Errorf("generic: build request: %v: %w", err, channels.ErrPermanent)
	}
	resp, err := g.http.Do(req)
	if err != nil {
		return channels.SendResult{}, fmt.Errorf("generic: send to %s: %w", m.To.Value, err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return channels.SendResult{}, fmt.Errorf("generic: send to %s: read reply: %w", m.To.Value, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := fmt.Errorf("generic: send to %s: HTTP %d: %s", m.To.Value, resp.StatusCode, snippet(reply))
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			return channels.SendResult{}, &channels.RetryAfterError{After: hook.RetryAfter(resp.Header, 5*time.Second), Err: err}
		case resp.StatusCode >= 400 && resp.StatusCode < 500:
			return channels.SendResult{}, fmt.Errorf("%w: %w", err, channels.ErrPermanent)
		}
		return channels.SendResult{}, err
	}
	if g.cfg.ResponseIDPath == "" {
		return channels.SendResult{}, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(reply))
	dec.UseNumber()
	if err := dec.Decode(&v); err == nil {
		if id, ok := lookup(v, g.cfg.ResponseIDPath); ok && id != "" {
			return channels.SendResult{ExternalID: id}, nil
		}
	}
	return channels.SendResult{}, fmt.Errorf("generic: send to %s: reply has no id at %q: %s: %w",
		m.To.Value, g.cfg.ResponseIDPath, snippet(reply), channels.ErrPermanent)
}

// request renders the send request for d.
func (g *Gateway) request(ctx context.Context, d data) (*http.Request, error) {
	rawURL, err := render(g.url, d)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("send_url %q is not an http(s) URL", rawURL)
	}
	var body io.Reader
	contentType := ""
	switch {
	case g.body != nil:
		b, err := render(g.body, d)
		if err != nil {
			return nil, err
		}
		body, contentType = strings.NewReader(b), g.cfg.ContentType
	case len(g.form) > 0:
		form := url.Values{}
		for name, t := range g.form {
			v, err := render(t, d)
			if err != nil {
				return nil, err
			}
			form.Set(name, v)
		}
		if g.cfg.Method == http.MethodGet {
			q := u.Query()
			for k, vs := range form {
				q[k] = vs
			}
			u.RawQuery = q.Encode()
		} else {
			body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded; charset=utf-8"
		}
	}
	req, err := http.NewRequestWithContext(ctx, g.cfg.Method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range g.headers {
		req.Header.Set(k, v)
	}
	return req, nil
}

func render(t *template.Template, d data) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// snippet is the start of a reply body, for error messages.
func snippet(b []byte) string {
	const max = 200
	if len(b) <= max {
		return string(bytes.ToValidUTF8(b, []byte("?")))
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(bytes.ToValidUTF8(b[:cut], []byte("?"))) + "…"
}
