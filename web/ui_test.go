package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/crm/tags"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/templates/canned"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// uiEnv is a server with the agent UI on a fresh schema, a signed-in
// agent and a few conversations: a mail carrying XSS payloads in its
// subject, body and HTML with an attachment, a Telegram chat and a call.
type uiEnv struct {
	t                    *testing.T
	pool                 *pgxpool.Pool
	srv                  *httptest.Server
	client               *http.Client
	ib                   *inbox.Inbox
	contacts             *crm.Store
	users                *auth.Store
	user                 auth.User
	csrf                 string
	mailConv, chatConv   int64
	callConv             int64
	contact, other       int64
	mailMsg              int64
	telegram, email, sms int64
}

// xss are the payloads the fixtures carry.
const (
	xssName    = `<img src=x onerror=alert('name')>`
	xssSubject = `<script>alert('subject')</script>`
	xssBody    = `<svg onload=alert('body')>"'</textarea><script>alert(1)</script>`
	xssHTML    = `<p>Hello</p><script>alert('html')</script><img src="x" onerror="alert('img')"><a href="javascript:alert(2)">x</a>`
)

// fixedTime is when the fixture messages were sent: Nowruz 1405,
// ۱۴۰۵/۰۱/۰۱ in the Jalali calendar, 10:00 in Tehran.
var fixedTime = time.Date(2026, 3, 21, 6, 30, 0, 0, time.UTC)

func newUIEnv(t *testing.T, locale string) *uiEnv {
	t.Helper()
	return newUIEnvWith(t, locale, nil)
}

// newUIEnvWith is newUIEnv with adjust changing the server's Deps.
func newUIEnvWith(t *testing.T, locale string, adjust func(*web.Deps)) *uiEnv {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.New(t)
	e := &uiEnv{t: t, pool: pool, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), contacts: crm.NewStore(pool), users: auth.NewStore(pool, 4)}
	var err error
	if e.user, err = e.users.CreateUser(ctx, auth.NewUser{Email: "agent@example.com", Name: "Agent Smith",
		Role: auth.RoleAgent, Password: "correct horse", Locale: locale}); err != nil {
		t.Fatal(err)
	}
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	e.email = must(e.ib.CreateChannel(ctx, channels.Email, "Support mail", nil))
	e.telegram = must(e.ib.CreateChannel(ctx, channels.Telegram, "Support bot", nil))
	e.sms = must(e.ib.CreateChannel(ctx, channels.SMS, "SMS line", nil))
	phone := must(e.ib.CreateChannel(ctx, channels.Phone, "PBX", nil))
	from := channels.Identity{Kind: channels.IdentityEmail, Value: "sara@example.com"}
	tg := channels.Identity{Kind: channels.IdentityTelegram, Value: "4242"}
	mobile := channels.Identity{Kind: channels.IdentityPhone, Value: "+989121234567"}
	err = e.ib.Ingest(ctx, []channels.Inbound{
		{ChannelID: e.email, ExternalID: "<m1@example.com>", Kind: channels.KindEmail, From: from, Also: []channels.Identity{tg, mobile},
			Text: xssBody, HTML: xssHTML, SentAt: fixedTime,
			Thread:      channels.Thread{MessageID: "m1@example.com", Subject: xssSubject},
			Attachments: []channels.Attachment{{Name: "invoice.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 test")}}},
		{ChannelID: e.telegram, ExternalID: "4242:1", Kind: channels.KindText, From: tg, Text: "سلام، یخچال خنک نمی\u200cکند", SentAt: fixedTime.Add(time.Minute)},
		{ChannelID: phone, ExternalID: "call-1", Kind: channels.KindCall, From: mobile, SentAt: fixedTime.Add(2 * time.Minute),
			Call: &channels.Call{Disposition: "NO ANSWER", Duration: 75 * time.Second}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT m.conversation_id, m.id, c.contact_id FROM messages m
		JOIN conversations c ON c.id = m.conversation_id WHERE m.external_id = '<m1@example.com>'`).
		Scan(&e.mailConv, &e.mailMsg, &e.contact); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT (SELECT conversation_id FROM messages WHERE external_id = '4242:1'),
		(SELECT conversation_id FROM messages WHERE external_id = 'call-1')`).Scan(&e.chatConv, &e.callConv); err != nil {
		t.Fatal(err)
	}
	if err := e.contacts.SetName(ctx, e.contact, xssName); err != nil {
		t.Fatal(err)
	}
	e.other = must(e.contacts.Resolve(ctx, channels.Identity{Kind: channels.IdentityEmail, Value: "sara.a@example.org"}))
	if err := e.contacts.SetName(ctx, e.other, "Sara Ahmadi"); err != nil {
		t.Fatal(err)
	}

	deps := web.Deps{Version: "test", Inbox: e.ib, Contacts: e.contacts, Templates: templates.NewStore(pool),
		Canned: canned.NewStore(pool), Tags: tags.NewStore(pool),
		Users: e.users, Sessions: e.users, Accounts: e.users, Log: slog.New(slog.NewTextHandler(testWriter{t}, nil))}
	if adjust != nil {
		adjust(&deps)
	}
	e.srv = httptest.NewServer(web.New(deps).Handler())
	t.Cleanup(e.srv.Close)
	e.signIn()
	return e
}

// becomeAdmin makes the signed-in user an admin.
func (e *uiEnv) becomeAdmin() {
	e.t.Helper()
	if _, err := e.pool.Exec(context.Background(), `UPDATE users SET role = 'admin' WHERE id = $1`, e.user.ID); err != nil {
		e.t.Fatal(err)
	}
	e.user.Role = auth.RoleAdmin
}

// signIn starts a session for the agent and keeps its cookie.
func (e *uiEnv) signIn() {
	token, s, err := e.users.CreateSession(context.Background(), e.user.ID, auth.SessionInfo{UserAgent: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	e.csrf = s.CSRF
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(e.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "peyk_session", Value: token, Path: "/"}})
	e.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// get fetches path and returns the response and its body.
func (e *uiEnv) get(path string) (*http.Response, string) {
	e.t.Helper()
	resp, err := e.client.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, readBody(e.t, resp)
}

// post submits a form to path (with the CSRF token unless form sets one)
// and returns the response and its body.
func (e *uiEnv) post(path string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	if !form.Has("csrf_token") {
		form.Set("csrf_token", e.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.srv.URL)
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, readBody(e.t, resp)
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testWriter sends the server's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
