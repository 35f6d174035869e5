package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// windowKinds is a registry of two throw-away chat kinds: "windowed",
// which declares a 24-hour reply window and templates (as WhatsApp does),
// and "free", which declares neither.
func windowKinds(t *testing.T) *channels.Registry {
	t.Helper()
	send := func(context.Context, channels.Instance) (channels.Sender, error) { return nil, nil }
	id := channels.IdentitySpec{Kind: "chatid", Label: channels.Text{Fa: "چت", En: "Chat"}, Normalize: channels.NumericID("chat", "")}
	r, err := channels.NewRegistry(
		channels.Driver{Kind: "windowed", Label: channels.Text{Fa: "پنجره\u200cدار", En: "Windowed"}, Identities: []channels.IdentitySpec{id},
			Reaches: "chatid", Sender: send, Templates: true,
			Window: func(last, now time.Time) (bool, time.Time) {
				if last.IsZero() {
					return false, time.Time{}
				}
				return now.Before(last.Add(24 * time.Hour)), last.Add(24 * time.Hour)
			}},
		channels.Driver{Kind: "free", Label: channels.Text{Fa: "آزاد", En: "Free"}, Identities: []channels.IdentitySpec{id},
			Reaches: "chatid", Sender: send},
	)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReplyWindow shows the composer of a conversation on a kind with a
// reply window: a notice in fa and en once the window closed and a form
// for an approved template, which (like the API's template reply) is
// stored for delivery; a delivery refused for the window shows its reason
// in the agent's language; a kind without a window shows neither.
func TestReplyWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	kinds := windowKinds(t)
	ib := inbox.New(pool, inbox.Config{Kinds: kinds}, nil)
	users := auth.NewStore(pool, 4)
	windowed, err := ib.CreateChannel(ctx, "windowed", "WA line", nil)
	if err != nil {
		t.Fatal(err)
	}
	free, err := ib.CreateChannel(ctx, "free", "Free line", nil)
	if err != nil {
		t.Fatal(err)
	}
	from := channels.Identity{Kind: "chatid", Value: "4242"}
	conversation := func(ch int64, ext string, at time.Time) int64 {
		t.Helper()
		if err := ib.Ingest(ctx, []channels.Inbound{{ChannelID: ch, ExternalID: ext, From: from, Text: "سلام", SentAt: at}}); err != nil {
			t.Fatal(err)
		}
		var conv int64
		if err := pool.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE channel_id = $1 AND external_id = $2`, ch, ext).Scan(&conv); err != nil {
			t.Fatal(err)
		}
		return conv
	}
	conv := conversation(windowed, "w1", time.Now().Add(-30*time.Hour))
	freeConv := conversation(free, "f1", time.Now().Add(-30*time.Hour))

	srv := web.New(web.Deps{Version: "test", Inbox: ib, Contacts: crm.NewStore(pool), Users: users, Sessions: users,
		Accounts: users, Kinds: kinds, Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	agent := func(locale string) (*http.Client, string, string) {
		u, err := users.CreateUser(ctx, auth.NewUser{Email: locale + "@example.com", Name: "Agent " + locale,
			Role: auth.RoleAgent, Password: "correct horse", Locale: locale})
		if err != nil {
			t.Fatal(err)
		}
		token, s, err := users.CreateSession(ctx, u.ID, auth.SessionInfo{UserAgent: "test"})
		if err != nil {
			t.Fatal(err)
		}
		api, err := users.CreateToken(ctx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		base, _ := url.Parse(hs.URL)
		jar.SetCookies(base, []*http.Cookie{{Name: "peyk_session", Value: token, Path: "/"}})
		return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, s.CSRF, api
	}
	page := func(c *http.Client, conv int64) string {
		t.Helper()
		resp, err := c.Get(fmt.Sprintf("%s/conversations/%d", hs.URL, conv))
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET conversation %d: %d %s", conv, resp.StatusCode, body)
		}
		return body
	}
	fa, faCSRF, apiToken := agent("fa")
	en, _, _ := agent("en")
	const (
		closedFa = "مشتری در ۲۴ ساعت گذشته پیامی نفرستاده است: فقط یک قالب تأییدشده را می\u200cتوان فرستاد."
		closedEn = "The customer has not written in 24 hours: only an approved template can be sent."
	)

	t.Run("closed window", func(t *testing.T) {
		if p := page(fa, conv); !strings.Contains(p, closedFa) || !strings.Contains(p, `id="template-form"`) ||
			!strings.Contains(p, fmt.Sprintf(`name="channel" value="%d"`, windowed)) {
			t.Fatalf("fa page lacks the notice or the template form:\n%s", p)
		}
		if p := page(en, conv); !strings.Contains(p, closedEn) || !strings.Contains(p, "Send template") {
			t.Fatal("en page lacks the notice or the template form")
		}
	})
	t.Run("no window", func(t *testing.T) {
		if p := page(en, freeConv); strings.Contains(p, closedEn) || strings.Contains(p, "template-form") || strings.Contains(p, "window-open") {
			t.Fatal("a kind without a window shows one")
		}
	})
	t.Run("template from the page", func(t *testing.T) {
		form := url.Values{"csrf_token": {faCSRF}, "channel": {fmt.Sprint(windowed)}, "template_name": {"order_update"},
			"template_language": {"fa"}, "template_params": {"سارا\r\n\r\n۱۲۳\n"}}
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/conversations/%d/reply", hs.URL, conv), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", hs.URL)
		resp, err := fa.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if body := readBody(t, resp); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("post: %d %s", resp.StatusCode, body)
		}
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM messages WHERE conversation_id = $1 AND direction = 'out' ORDER BY id DESC LIMIT 1`, conv).Scan(&id); err != nil {
			t.Fatal(err)
		}
		d, err := ib.Delivery(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if tpl := d.Message.Template; tpl == nil || tpl.Name != "order_update" || tpl.Language != "fa" || strings.Join(tpl.Params, "|") != "سارا|۱۲۳" {
			t.Fatalf("stored template %+v", d.Message.Template)
		}
	})
	t.Run("template from the API", func(t *testing.T) {
		call := func(conv int64, body string) (int, string) {
			req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/conversations/%d/messages", hs.URL, conv), strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+apiToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, readBody(t, resp)
		}
		if code, body := call(conv, `{"template": {"name": "follow_up", "language": "en_US", "params": ["Sara"]}}`); code != http.StatusCreated {
			t.Fatalf("template reply: %d %s", code, body)
		}
		if code, body := call(freeConv, `{"template": {"name": "follow_up", "language": "en_US"}}`); code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
			t.Fatalf("template on a kind without templates: %d %s", code, body)
		}
	})
	t.Run("refused for the window", func(t *testing.T) {
		id, err := ib.AddReply(ctx, inbox.Reply{ConversationID: conv, Text: "free text"})
		if err != nil {
			t.Fatal(err)
		}
		sendErr := fmt.Errorf("whatever: message %d: window closed at 2026-12-05T10:00:00Z: %w: %w", id, channels.ErrWindowClosed, channels.ErrPermanent)
		if err := ib.MarkAttempt(ctx, id, sendErr, true); err != nil {
			t.Fatal(err)
		}
		if p := page(fa, conv); !strings.Contains(p, "ارسال نشد: "+closedFa) || strings.Contains(p, "window closed at") {
			t.Fatal("the fa page does not show the window's reason in Persian")
		}
		if p := page(en, conv); !strings.Contains(p, "Not sent: "+closedEn) {
			t.Fatal("the en page does not show the window's reason")
		}
	})
	t.Run("open window", func(t *testing.T) {
		conversation(windowed, "w2", time.Now().Add(-time.Hour))
		p := page(en, conv)
		if strings.Contains(p, `id="window-closed"`) || !strings.Contains(p, `id="window-open"`) || !strings.Contains(p, `id="template-form"`) {
			t.Fatal("open window: want the closing time and the template form, no notice")
		}
	})
}
