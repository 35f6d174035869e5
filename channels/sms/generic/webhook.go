package generic

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/internal/hook"
)

// peykStatus maps the names StatusFields.Values uses to Update statuses.
var peykStatus = map[string]string{
	"sent":      channels.StatusSent,
	"delivered": channels.StatusDelivered,
	"failed":    channels.StatusFailed,
}

// InboundHandler serves the gateway's incoming-message webhook: a GET with
// a query string (Kannel's get-url), a form POST or a JSON POST whose
// fields Config.Inbound names. The message
// goes to sink and the gateway gets 200 once it is committed.
func (g *Gateway) InboundHandler(sink channels.Sink) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		field, ok := g.fields(w, r)
		if !ok {
			return
		}
		f := g.cfg.Inbound
		in := channels.Inbound{
			ChannelID:  g.cfg.ChannelID,
			ExternalID: strings.TrimSpace(field(f.ID)),
			Kind:       channels.KindText,
			From:       channels.Identity{Kind: channels.IdentityPhone, Value: field(f.From)},
			Text:       field(f.Text),
		}
		switch {
		case in.ExternalID == "":
			hook.Error(w, http.StatusBadRequest, "missing message id field "+f.ID)
			return
		case !hook.Phone(in.From.Value):
			hook.Error(w, http.StatusBadRequest, fmt.Sprintf("sender field %s (%q) is not a phone number", f.From, in.From.Value))
			return
		}
		if to := field(f.To); to != "" {
			in.Headers = map[string]string{"To": to}
		}
		if !hook.Ingest(w, r, g.log, sink, []channels.Inbound{in}) {
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// StatusHandler serves the gateway's delivery-report webhook (GET query,
// form or JSON), whose fields Config.Status names. Status values
// Config.Status.Values maps become Updates by ExternalID; others change
// nothing. A report for a message not yet known is tried again for up to
// Config.ReportWait before it is acknowledged.
func (g *Gateway) StatusHandler(up channels.Updater) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		field, ok := g.fields(w, r)
		if !ok {
			return
		}
		f := g.cfg.Status
		id, value := strings.TrimSpace(field(f.ID)), strings.TrimSpace(field(f.Status))
		if id == "" || value == "" {
			hook.Error(w, http.StatusBadRequest, "missing field "+f.ID+" or "+f.Status)
			return
		}
		if status := peykStatus[f.Values[strings.ToLower(value)]]; status != "" {
			u := channels.Update{ChannelID: g.cfg.ChannelID, ExternalID: id, Status: status, At: time.Now().UTC()}
			if status == channels.StatusFailed {
				u.Error = or(field(f.Error), value)
			}
			if !hook.UpdateWait(w, r, g.log, up, []channels.Update{u}, g.cfg.ReportWait) {
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}

// fields checks a webhook's method and secret and returns a reader of its
// fields (query and form fields by name, JSON fields by dotted path). It
// replies and returns false when any of that fails.
func (g *Gateway) fields(w http.ResponseWriter, r *http.Request) (func(string) string, bool) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		hook.Error(w, http.StatusMethodNotAllowed, "webhooks are GET or POST requests")
		return nil, false
	}
	if reason := g.checkSecret(r); reason != "" {
		hook.Error(w, http.StatusForbidden, reason)
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, hook.MaxBody)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		v, err := decodeJSON(r.Body)
		if err != nil {
			hook.Error(w, http.StatusBadRequest, "malformed JSON body: "+err.Error())
			return nil, false
		}
		return func(path string) string { s, _ := lookup(v, path); return s }, true
	}
	err := r.ParseForm()
	if err == nil && mt == "multipart/form-data" {
		err = r.ParseMultipartForm(hook.MaxBody)
	}
	if err != nil {
		hook.Error(w, http.StatusBadRequest, "malformed form: "+err.Error())
		return nil, false
	}
	return r.Form.Get, true
}

// checkSecret returns why the request fails the secret check, or "".
func (g *Gateway) checkSecret(r *http.Request) string {
	switch {
	case g.cfg.Secret == "":
		return "webhooks are refused until the channel has a secret"
	case g.cfg.SecretHeader != "":
		got := r.Header.Get(g.cfg.SecretHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(g.cfg.Secret)) != 1 {
			return "the " + g.cfg.SecretHeader + " header does not carry this channel's secret"
		}
	case !hook.Secret(r, g.cfg.Secret):
		return "the webhook URL does not carry this channel's secret"
	}
	return ""
}

// decodeJSON reads one JSON object, keeping numbers exact.
func decodeJSON(body io.Reader) (map[string]any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errors.New("want a JSON object")
	}
	return v, nil
}
