package generic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
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
// failures are retried. With ResponseIDPath or ResponseIDRegexp set, a 2xx
// reply that lacks the id fails permanently (the message may have gone
// out; sending it again could send it twice); with ExternalID set, the id
// is ours, rendered before the request. Errors never carry a secret of the
// configuration (see Config.SecretParams).
func (g *Gateway) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	res, err := g.send(ctx, m)
	return res, g.redact.Error(err)
}

func (g *Gateway) send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	if len(m.Attachments) > 0 {
		return channels.SendResult{}, fmt.Errorf("generic: SMS cannot carry attachments: %w", channels.ErrPermanent)
	}
	d := data{To: m.To.Value, From: g.cfg.From, Text: m.Text, MessageID: m.MessageID}
	var res channels.SendResult
	if g.extID != nil {
		id, err := render(g.extID, d)
		if err != nil || strings.TrimSpace(id) == "" {
			return res, fmt.Errorf("generic: external_id template gives no id (%v): %w", err, channels.ErrPermanent)
		}
		res.ExternalID = strings.TrimSpace(id)
	}
	req, err := g.request(ctx, d)
	if err != nil {
		return res, fmt.Errorf("generic: build request: %v: %w", err, channels.ErrPermanent)
	}
	resp, err := g.http.Do(req)
	if err != nil {
		return res, fmt.Errorf("generic: send to %s: %w", m.To.Value, err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return res, fmt.Errorf("generic: send to %s: read reply: %w", m.To.Value, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := fmt.Errorf("generic: send to %s: HTTP %d: %s", m.To.Value, resp.StatusCode, snippet(reply))
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			return res, &channels.RetryAfterError{After: hook.RetryAfter(resp.Header, 5*time.Second), Err: err}
		case resp.StatusCode >= 400 && resp.StatusCode < 500:
			return res, fmt.Errorf("%w: %w", err, channels.ErrPermanent)
		}
		return res, err
	}
	if g.cfg.ResponseIDPath == "" && g.idRE == nil {
		return res, nil
	}
	if id, ok := g.replyID(reply); ok {
		return channels.SendResult{ExternalID: id}, nil
	}
	where := fmt.Sprintf("at %q", g.cfg.ResponseIDPath)
	if g.idRE != nil {
		where = fmt.Sprintf("matching %q", g.cfg.ResponseIDRegexp)
	}
	return res, fmt.Errorf("generic: send to %s: reply has no id %s: %s: %w",
		m.To.Value, where, snippet(reply), channels.ErrPermanent)
}

// replyID finds the message id in a send reply: by ResponseIDRegexp's
// capture group, or by ResponseIDPath in its JSON.
func (g *Gateway) replyID(reply []byte) (string, bool) {
	if g.idRE != nil {
		return matchID(g.idRE, reply)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(reply))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	id, ok := lookup(v, g.cfg.ResponseIDPath)
	return id, ok && id != ""
}

// matchID returns the first capture group of re's first match in reply,
// trimmed; ok is false when nothing matches or the group is empty.
func matchID(re *regexp.Regexp, reply []byte) (id string, ok bool) {
	m := re.FindSubmatch(reply)
	if len(m) < 2 {
		return "", false
	}
	id = strings.TrimSpace(string(bytes.ToValidUTF8(m[1], nil)))
	return id, id != ""
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
