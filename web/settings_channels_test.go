package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/email"
	"github.com/peykhq/peyk/channels/sms/gateways"
	"github.com/peykhq/peyk/channels/telegram"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
)

// checkedChannels is web.Channels on the real inbox that validates and
// splits settings with the kind's driver, as cmd/peyk's does (the real
// one, with its merge and provider setup, is tested in cmd/peyk).
type checkedChannels struct {
	inboxChannels
	kinds *channels.Registry
}

func (c checkedChannels) Create(ctx context.Context, kind, name string, raw json.RawMessage) (inbox.Channel, error) {
	d, ok := c.kinds.Driver(channels.Kind(kind))
	if !ok {
		return inbox.Channel{}, crm.ErrInvalid
	}
	full, err := d.Check(raw)
	if err != nil {
		return inbox.Channel{}, err
	}
	public, secrets, err := d.Split(full)
	if err != nil {
		return inbox.Channel{}, err
	}
	id, err := c.ib.AddChannel(ctx, d.Kind, name, public, secrets)
	if err != nil {
		return inbox.Channel{}, err
	}
	return c.ib.Channel(ctx, id)
}

// Update merges the patch into the stored settings (RFC 7396).
func (c checkedChannels) Update(ctx context.Context, id int64, name string, patch json.RawMessage) (inbox.Channel, error) {
	ch, err := c.ib.Channel(ctx, id)
	if err != nil || len(patch) == 0 {
		return ch, c.ib.UpdateChannel(ctx, id, name, ch.Config, nil)
	}
	d, _ := c.kinds.Driver(ch.Kind)
	all := map[string]any{}
	_ = json.Unmarshal(ch.Config, &all)
	_ = c.ib.Secrets(ctx, id, &all)
	var p map[string]any
	_ = json.Unmarshal(patch, &p)
	raw, _ := json.Marshal(merge(all, p))
	full, err := d.Check(raw)
	if err != nil {
		return inbox.Channel{}, err
	}
	public, secrets, _ := d.Split(full)
	if err := c.ib.UpdateChannel(ctx, id, name, public, secrets); err != nil {
		return inbox.Channel{}, err
	}
	return c.ib.Channel(ctx, id)
}

func testKinds(t *testing.T) *channels.Registry {
	r, err := channels.NewRegistry(email.Driver(), gateways.Driver(), telegram.Driver())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestChannelSettingsPages: an admin adds an email channel from the Gmail
// preset through the generated form (a bad port and a missing address
// are told beside their fields, in the page's language, and store
// nothing), edits it (the password left empty is kept and shown only as
// set), tests it (the failure in words, not the error's), disables and
// enables it, and deletes a channel after being told how many
// conversations it has; each change is in the audit log under the
// admin's name. Agents get a 403.
func TestChannelSettingsPages(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ locale, intErr, preset, set, failed string }{
		{"fa", "یک عدد صحیح لازم است.", "جیمیل", "(تنظیم شده)", "سرور IMAP نام کاربری یا گذرواژه را نپذیرفت."},
		{"en", "A whole number is needed here.", "Gmail (app password)", "(set)", "the IMAP server refused the user name or password."},
	} {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			kinds := testKinds(t)
			e := newUIEnvWith(t, c.locale, func(d *web.Deps) {
				d.Kinds = kinds
				d.Channels = checkedChannels{inboxChannels{d.Inbox}, kinds}
			})
			if resp, _ := e.get("/settings/channels"); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("agent: %d", resp.StatusCode)
			}
			e.becomeAdmin()
			count := func() (n int) {
				_ = e.pool.QueryRow(context.Background(), `SELECT count(*) FROM channels`).Scan(&n)
				return n
			}
			before := count()
			form := url.Values{"kind": {"email"}, "name": {"down"}, "s.imap.host": {"imap.gmail.com"}, "s.imap.port": {"99x"}, "s.imap.tls": {"tls"},
				"s.imap.user": {"me@gmail.com"}, "s.smtp.host": {"smtp.gmail.com"}, "s.smtp.port": {"587"}, "s.smtp.tls": {"starttls"}, "s.smtp.auth": {"plain"},
				"s.imap_password": {"app-pass-1"}, "s.smtp_password": {"app-pass-1"}, "s.reply_token": {"false"}}
			var id int64
			steps := []struct {
				name  string
				run   func() (*http.Response, string)
				code  int
				wants []string
			}{
				{"list", func() (*http.Response, string) { return e.get("/settings/channels") }, 200,
					[]string{"Support mail", `href="/settings/channels/new"`}},
				{"kinds and presets", func() (*http.Response, string) { return e.get("/settings/channels/new") }, 200,
					[]string{c.preset, `href="/settings/channels/new?kind=email&preset=gmail"`, `/settings/channels/new?kind=sms&preset=kannel`}},
				{"form from the preset", func() (*http.Response, string) { return e.get("/settings/channels/new?kind=email&preset=gmail") }, 200,
					[]string{`name="s.imap.host" value="imap.gmail.com"`, `name="s.smtp.port" value="587"`, `type="password" id="f-imap_password"`,
						`name="s.imap.mailbox" value="INBOX"`, `<option selected>plain</option>`}},
				{"bad input", func() (*http.Response, string) { return e.post("/settings/channels/new", form) }, 422,
					[]string{c.intErr, `name="s.imap.host" value="imap.gmail.com"`}},
				{"created", func() (*http.Response, string) {
					form.Set("s.imap.port", "۹۹۳") // Persian digits
					form.Set("s.from", "me@gmail.com")
					form.Set("s.smtp.user", "me@gmail.com")
					resp, body := e.post("/settings/channels/new", form)
					_, _ = fmt.Sscanf(resp.Header.Get("Location"), "/settings/channels/%d", &id)
					return resp, body
				}, 303, nil},
				{"edit shows the secret as set", func() (*http.Response, string) { return e.get(fmt.Sprintf("/settings/channels/%d", id)) }, 200,
					[]string{c.set, `name="s.imap.port" value="993"`, `name="s.imap_password" value=""`}},
				{"edit keeps the secret", func() (*http.Response, string) {
					form.Set("s.imap_password", "")
					form.Set("s.from_name", "Support")
					return e.post(fmt.Sprintf("/settings/channels/%d", id), form)
				}, 303, nil},
				{"test says why in words", func() (*http.Response, string) {
					return e.post(fmt.Sprintf("/settings/channels/%d/test", id), url.Values{})
				}, 200, []string{c.failed}},
				{"disabled", func() (*http.Response, string) {
					return e.post(fmt.Sprintf("/settings/channels/%d/disable", id), url.Values{})
				}, 303, nil},
				{"list shows it disabled", func() (*http.Response, string) { return e.get("/settings/channels?done=disabled") }, 200,
					[]string{map[string]string{"fa": "کانال غیرفعال شد.", "en": "The channel was disabled."}[c.locale],
						`/enable"><input`}},
				{"enabled", func() (*http.Response, string) {
					return e.post(fmt.Sprintf("/settings/channels/%d/enable", id), url.Values{})
				}, 303, nil},
				{"delete tells the conversations", func() (*http.Response, string) {
					return e.get(fmt.Sprintf("/settings/channels/%d/delete", e.email))
				}, 200, []string{map[string]string{"fa": "این کانال ۱ گفت\u200cوگو دارد", "en": "Conversations through this channel: 1."}[c.locale]}},
				{"deleted", func() (*http.Response, string) {
					return e.post(fmt.Sprintf("/settings/channels/%d/delete", e.email), url.Values{})
				}, 303, nil},
			}
			for _, s := range steps {
				resp, body := s.run()
				if resp.StatusCode != s.code {
					t.Fatalf("%s: %d, want %d\n%s", s.name, resp.StatusCode, s.code, body)
				}
				for _, w := range s.wants {
					if !strings.Contains(body, w) {
						t.Errorf("%s: no %q in\n%s", s.name, w, body)
					}
				}
				if strings.Contains(body, "app-pass-1") || strings.Contains(body, "authentication failed") {
					t.Errorf("%s: a secret or a raw error on the page", s.name)
				}
				if s.name == "bad input" && count() != before {
					t.Errorf("bad input stored a channel")
				}
			}
			var sec struct {
				IMAPPassword string `json:"imap_password"`
			}
			if err := e.ib.Secrets(context.Background(), id, &sec); err != nil || sec.IMAPPassword != "app-pass-1" {
				t.Errorf("secret after the edit: %+v %v", sec, err)
			}
			var actions string
			_ = e.pool.QueryRow(context.Background(), `SELECT string_agg(action, ',' ORDER BY id) FROM audit_events
				WHERE subject_type = 'channel' AND actor_id = $1`, e.user.ID).Scan(&actions)
			if actions != "channel.create,channel.update,channel.disable,channel.enable,channel.delete" {
				t.Errorf("audit: %s", actions)
			}
		})
	}
}

// merge applies merge patch p to target.
func merge(target, p map[string]any) map[string]any {
	for k, v := range p {
		sub, isObj := v.(map[string]any)
		old, oldObj := target[k].(map[string]any)
		switch {
		case v == nil:
			delete(target, k)
		case isObj && oldObj:
			target[k] = merge(old, sub)
		default:
			target[k] = v
		}
	}
	return target
}
