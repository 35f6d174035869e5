// Package generic is the SMS driver for any HTTP gateway: sends are built
// from URL, form-field or body templates, the provider's message id is
// read from its JSON reply by a dotted path, and the inbound and
// delivery-report webhooks take form or JSON fields whose names the
// configuration gives, authenticated by a shared secret.
package generic

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"text/template"
	"time"

	"github.com/peykhq/peyk/channels/sms"
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
	// ("id", "data.message_id", "messages.0.id"); empty means the gateway
	// returns no id and delivery reports cannot be matched.
	ResponseIDPath string `json:"response_id_path,omitempty"`
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
}

var _ sms.Gateway = (*Gateway)(nil)

// New checks cfg, parses its templates and returns its Gateway.
func New(cfg Config) (*Gateway, error) {
	if cfg.SendURL == "" {
		return nil, errors.New("generic: config lacks send_url")
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
	return g, nil
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
