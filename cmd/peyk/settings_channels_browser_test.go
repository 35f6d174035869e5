package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/peykhq/peyk/channels/telegram/telegramtest"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
	"github.com/peykhq/peyk/web/browsertest"
)

// settingsApp is the whole app as `peyk serve` runs it (the real channel
// admin, its receivers, the web) on a fresh database, with an admin who
// signs in with browsertest.Password in locale.
func settingsApp(t *testing.T, locale string) (url string) {
	t.Helper()
	pool := dbtest.New(t)
	log := slog.New(slog.DiscardHandler)
	a := &app{log: log, pool: pool, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin := newChannelAdmin(a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); runReceivers(ctx, a, admin.changed) }()
	t.Cleanup(func() { cancel(); <-done })
	users := auth.NewStore(pool, 4)
	if _, err := users.CreateUser(ctx, auth.NewUser{Email: "admin@example.com", Name: "Admin", Role: auth.RoleAdmin,
		Password: browsertest.Password, Locale: locale}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Deps{Version: "test", Users: users, Sessions: users, Accounts: users,
		Channels: admin, Webhooks: admin, ChannelStatus: admin.Status, Inbox: a.ib, Kinds: a.kinds,
		Contacts: crm.NewStore(pool).WithKinds(a.kinds), Templates: templates.NewStore(pool), Log: log}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestChannelSettingsBrowser: an admin, with no CLI, in Persian and in
// English, adds an email channel against in-process IMAP and SMTP
// servers from the IMAP/SMTP preset (a bad port told beside its field
// first), tests it, and a mail put into the
// mailbox appears in the inbox; then adds a Telegram bot against the Bot
// API stand-in, tests it, and its customer's message appears too.
func TestChannelSettingsBrowser(t *testing.T) {
	for _, locale := range []string{"fa", "en"} {
		t.Run(locale, func(t *testing.T) {
			url := settingsApp(t, locale)
			b := (&browsertest.Env{URL: url}).Browser(t)
			if b == nil {
				return
			}
			b.Login("admin@example.com", browsertest.Password)
			poll := func(expr string) chromedp.Action {
				return chromedp.Poll(expr, nil, chromedp.WithPollingTimeout(20*time.Second))
			}
			set := func(name, value string) chromedp.Action {
				return chromedp.SetValue(`[name="`+name+`"]`, value, chromedp.ByQuery)
			}

			// Email, from the IMAP/SMTP preset.
			imapSrv, err := startDemoIMAP(slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(imapSrv.close)
			smtpSrv, err := startDemoSMTP(slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(smtpSrv.close)
			b.Open("/settings/channels")
			b.Run(chromedp.Click("#channel-add", chromedp.ByQuery),
				chromedp.Click(`[data-preset="email-imap"]`, chromedp.ByQuery),
				chromedp.WaitVisible("#channel-form", chromedp.ByQuery),
				set("name", "Support mail"),
				set("s.imap.host", "127.0.0.1"), set("s.imap.port", strconv.Itoa(imapSrv.port)), set("s.imap.tls", "none"),
				set("s.imap.user", demoMailbox), set("s.imap_password", demoIMAPPass),
				set("s.smtp.host", "127.0.0.1"), set("s.smtp.port", strconv.Itoa(smtpSrv.port)), set("s.smtp.tls", "none"),
				set("s.smtp.auth", "none"), set("s.from", demoMailbox),
			)
			b.Screenshot("settings-channel-form-" + locale)
			// A port that is not a number is told beside it, in the page's
			// language, and what was typed stays.
			b.Run(set("s.imap.port", "port"), chromedp.Click("#channel-save", chromedp.ByQuery),
				chromedp.WaitVisible(`[data-field="imap.port"] .field-error`, chromedp.ByQuery),
				poll(`document.querySelector('[data-field="imap.port"] .field-error').textContent === `+
					map[string]string{"fa": `"یک عدد صحیح لازم است."`, "en": `"A whole number is needed here."`}[locale]),
				poll(`document.querySelector('[name="s.smtp.host"]').value === "127.0.0.1"`),
				set("s.imap.port", strconv.Itoa(imapSrv.port)), set("s.imap_password", demoIMAPPass))
			b.Run(chromedp.Click("#channel-save", chromedp.ByQuery), chromedp.WaitVisible("#channel-done", chromedp.ByQuery),
				poll(`document.querySelector('[data-secret="imap_password"]').textContent.includes(`+
					map[string]string{"fa": `"تنظیم شده"`, "en": `"(set)"`}[locale]+`)`),
				chromedp.Click("#channel-test", chromedp.ByQuery),
				chromedp.WaitVisible("#test-result.ok", chromedp.ByQuery))
			mail := "From: Sara <sara@example.com>\r\nTo: " + demoMailbox + "\r\nSubject: Fridge " + locale +
				"\r\nMessage-ID: <fridge-" + locale + "@example.com>\r\nDate: " + time.Now().Format(time.RFC1123Z) +
				"\r\n\r\nThe fridge stopped cooling.\r\n"
			if err := imapSrv.deliver([]byte(mail)); err != nil {
				t.Fatal(err)
			}
			b.Run(poll(`fetch("/").then(r => r.text()).then(t => window.inboxHas = t.includes("Fridge ` + locale + `")), window.inboxHas === true`))

			// Telegram, from the polling preset, against the Bot API stand-in.
			bot := telegramtest.NewServer(t, "123456:secret-token")
			b.Open("/settings/channels/new")
			b.Run(chromedp.Click(`[data-preset="telegram-polling"]`, chromedp.ByQuery),
				chromedp.WaitVisible("#channel-form", chromedp.ByQuery),
				set("name", "Support bot"), set("s.token", bot.Token), set("s.api_endpoint", bot.URL),
				set("s.poll_interval", "100ms"), set("s.poll_timeout", "1s"),
				chromedp.Click("#channel-save", chromedp.ByQuery), chromedp.WaitVisible("#channel-done", chromedp.ByQuery),
				chromedp.Click("#channel-test", chromedp.ByQuery),
				chromedp.WaitVisible("#test-result.ok", chromedp.ByQuery))
			bot.AddUpdate([]byte(fmt.Sprintf(`{"message":{"message_id":1,"date":%d,"chat":{"id":4242,"type":"private"},
				"from":{"id":4242,"first_name":"Sara"},"text":"Hello bot %s"}}`, time.Now().Unix(), locale)))
			b.Run(poll(`fetch("/").then(r => r.text()).then(t => window.botHas = t.includes("Hello bot ` + locale + `")), window.botHas === true`))

			b.Open("/settings/channels")
			b.Run(chromedp.WaitVisible("#channel-list", chromedp.ByQuery),
				poll(`document.querySelectorAll("#channel-list tr[data-channel]").length === 2`))
			b.Screenshot("settings-channels-" + locale)
		})
	}
}
