// Package generic is the SMS driver for any HTTP gateway: sends are built
// from URL, form-field or body templates; the provider's message id is
// read from its JSON reply by a dotted path, from a plain-text reply by a
// regular expression, or is Peyk's own (a gateway such as Kannel that
// carries it into its delivery-report URL); and the inbound and
// delivery-report webhooks take GET query, form or JSON fields whose names
// the configuration gives, authenticated by a shared secret.
package generic

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms"
	"github.com/peykhq/peyk/channels/sms/redact"
)

// Config describes an HTTP gateway. Templates are text/template with the
// fields {{.To}}, {{.From}}, {{.Text}} and {{.MessageID}} and two
// functions: urlquery (the built-in) and json, which writes a value as a
// JSON literal ({"to": {{json .To}}}).
type Config struct {
	// ChannelID is the channels row inbound messages are filed under.
	ChannelID int64 `json:"-"`
	// SendURL is the template of the send request's URL.
	SendURL string `json:"send_url"`
	// Method is the send request's method; empty means POST.
	Method string `json:"method,omitempty"`
	// From is our number or sender name, given to templates as .From.
	From string `json:"from,omitempty"`
	// Body, when set, is the template of the raw request body, sent with
	// ContentType (default application/json).
	Body        string `json:"body,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// Form maps field names to value templates, sent form-encoded in the
	// body, or in the query string for GET. Used when Body is empty.
	Form map[string]string `json:"form,omitempty"`
	// Headers are set on every send request (an Authorization header, for
	// example); they are secret like the rest of the configuration.
	Headers map[string]string `json:"headers,omitempty"`
	// ResponseIDPath is the dotted path of the message id in the JSON reply
	// ("id", "data.message_id", "messages.0.id"). With none of
	// ResponseIDPath, ResponseIDRegexp and ExternalID set, the gateway
	// returns no id and delivery reports cannot be matched.
	ResponseIDPath string `json:"response_id_path,omitempty"`
	// ResponseIDRegexp is a regular expression with one capture group that
	// finds the message id in a plain-text reply (`^OK (\d+)` for
	// "OK 12345").
	ResponseIDRegexp string `json:"response_id_regexp,omitempty"`
	// ExternalID is the template of the id a message is known by in
	// delivery reports when the gateway returns none of its own but
	// carries ours back (Kannel: put the same id in the dlr-url):
	// "peyk-{{.MessageID}}".
	ExternalID string `json:"external_id,omitempty"`
	// SecretParams names query parameters, form fields and JSON members
	// that hold secrets beyond those whose names say so (password, token,
	// key, secret…, see docs/security.md); their values are masked in
	// every view, error and log.
	SecretParams []string `json:"secret_params,omitempty"`
	// Inbound names the fields of the incoming-message webhook.
	Inbound InboundFields `json:"inbound"`
	// Status names the fields of the delivery-report webhook.
	Status StatusFields `json:"status"`
	// Secret authenticates the webhooks: the URL carries it as the {secret}
	// path segment or the secret query parameter, or, when SecretHeader is
	// set, the request carries it in that header. Webhooks are refused
	// while it is empty.
	Secret       string `json:"secret"`
	SecretHeader string `json:"secret_header,omitempty"`
	// HTTPClient makes send requests; nil means a 30 s timeout client.
	HTTPClient *http.Client `json:"-"`
	// Logger receives what the webhooks cannot report otherwise; nil means
	// slog.Default().
	Logger *slog.Logger `json:"-"`
	// ReportWait is how long a delivery report that matches no message yet
	// is tried again (its send's reply may not be stored yet: a gateway's
	// report can beat it). Zero means 5 s; negative, not at all.
	ReportWait time.Duration `json:"-"`
}

// InboundFields names the fields of an incoming-message webhook: form
// field names, or dotted paths into a JSON body. Empty names take the
// defaults from, to, text and id.
type InboundFields struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	Text string `json:"text,omitempty"`
	ID   string `json:"id,omitempty"`
}

// StatusFields names the fields of a delivery-report webhook (defaults id,
// status and error) and maps the gateway's status values to Peyk's.
type StatusFields struct {
	ID     string `json:"id,omitempty"`
	Status string `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
	// Values maps gateway values (compared case-insensitively) to "sent",
	// "delivered" or "failed"; values it lacks change nothing. Empty means
	// sent, delivered, failed and undelivered (as failed).
	Values map[string]string `json:"values,omitempty"`
}

// Gateway is an HTTP SMS gateway. It is safe for concurrent use.
type Gateway struct {
	cfg     Config
	http    *http.Client
	log     *slog.Logger
	url     *template.Template
	body    *template.Template
	form    map[string]*template.Template
	headers map[string]string
	idRE    *regexp.Regexp
	extID   *template.Template
	redact  *redact.Redactor
}

var _ sms.Gateway = (*Gateway)(nil)

// New checks cfg, parses its templates and returns its Gateway.
func New(cfg Config) (*Gateway, error) {
	if cfg.SendURL == "" {
		return nil, channels.Invalid("send_url", channels.ReasonRequired, "generic: config lacks send_url")
	}
	cfg.Method = strings.ToUpper(cfg.Method)
	if cfg.Method == "" {
		cfg.Method = http.MethodPost
	}
	if cfg.ContentType == "" {
		cfg.ContentType = "application/json"
	}
	cfg.Inbound = cfg.Inbound.withDefaults()
	cfg.Status = cfg.Status.withDefaults()
	g := &Gateway{cfg: cfg, http: cfg.HTTPClient, log: cfg.Logger, headers: cfg.Headers}
	var err error
	if g.url, err = parse("send_url", cfg.SendURL); err != nil {
		return nil, err
	}
	if cfg.Body != "" {
		if g.body, err = parse("body", cfg.Body); err != nil {
			return nil, err
		}
	}
	g.form = make(map[string]*template.Template, len(cfg.Form))
	for name, text := range cfg.Form {
		if g.form[name], err = parse("form "+name, text); err != nil {
			return nil, err
		}
	}
	if err := g.parseID(); err != nil {
		return nil, err
	}
	g.redact = redact.New(cfg.secrets()...)
	for status, peyk := range cfg.Status.Values {
		if _, ok := peykStatus[peyk]; !ok {
			return nil, fmt.Errorf("generic: status value %q maps to %q; want sent, delivered or failed", status, peyk)
		}
	}
	if g.http == nil {
		g.http = &http.Client{Timeout: 30 * time.Second}
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.cfg.ReportWait == 0 {
		g.cfg.ReportWait = 5 * time.Second
	}
	return g, nil
}

// parseID checks the settings that say where a sent message's id comes
// from (at most one of them) and compiles them.
func (g *Gateway) parseID() error {
	n := 0
	for _, s := range []string{g.cfg.ResponseIDPath, g.cfg.ResponseIDRegexp, g.cfg.ExternalID} {
		if s != "" {
			n++
		}
	}
	if n > 1 {
		return errors.New("generic: set at most one of response_id_path, response_id_regexp and external_id")
	}
	var err error
	if g.cfg.ResponseIDRegexp != "" {
		if g.idRE, err = regexp.Compile(g.cfg.ResponseIDRegexp); err != nil {
			return fmt.Errorf("generic: response_id_regexp: %w", err)
		}
		if g.idRE.NumSubexp() != 1 {
			return fmt.Errorf("generic: response_id_regexp %q has %d capture groups; want one, around the id", g.cfg.ResponseIDRegexp, g.idRE.NumSubexp())
		}
	}
	if g.cfg.ExternalID != "" {
		if g.extID, err = parse("external_id", g.cfg.ExternalID); err != nil {
			return err
		}
	}
	return nil
}

// secrets returns the secret values of the configuration (docs/security.md,
// "Secret fields"): the webhook secret, every header value (and the
// credential after an Authorization scheme), and the secrets that sit in
// the send URL, the form fields and the body template.
func (c Config) secrets() []string {
	out := []string{c.Secret}
	for _, v := range c.Headers {
		out = append(out, v)
		if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
			out = append(out, strings.TrimSpace(cred))
		}
	}
	out = append(out, redact.Values(c.SendURL, c.SecretParams...)...)
	out = append(out, redact.Values(c.Body, c.SecretParams...)...)
	for name, v := range c.Form {
		if redact.Name(name, c.SecretParams...) {
			out = append(out, v)
		}
		out = append(out, redact.Values(v, c.SecretParams...)...)
	}
	return out
}

// funcs are the template functions beyond the built-ins.
var funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
}

func parse(name, text string) (*template.Template, error) {
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("generic: template %s: %w", name, err)
	}
	return t, nil
}

func (f InboundFields) withDefaults() InboundFields {
	f.From = or(f.From, "from")
	f.To = or(f.To, "to")
	f.Text = or(f.Text, "text")
	f.ID = or(f.ID, "id")
	return f
}

func (f StatusFields) withDefaults() StatusFields {
	f.ID = or(f.ID, "id")
	f.Status = or(f.Status, "status")
	f.Error = or(f.Error, "error")
	values := map[string]string{"sent": "sent", "delivered": "delivered", "failed": "failed", "undelivered": "failed"}
	if len(f.Values) > 0 {
		values = make(map[string]string, len(f.Values))
		for k, v := range f.Values {
			values[strings.ToLower(k)] = v
		}
	}
	f.Values = values
	return f
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
