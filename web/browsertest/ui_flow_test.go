package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/templates/canned"
	"github.com/peykhq/peyk/web/browsertest"
)

// nowruz is when the first messages were sent: ۱۴۰۵/۰۱/۰۱ in the Jalali
// calendar, 2026-03-21 in the Gregorian.
var nowruz = time.Date(2026, 3, 21, 6, 30, 0, 0, time.UTC)

// workspace is a small inbox: a Telegram chat, a mail and a missed call
// from one customer, and a second customer's SMS.
type workspace struct {
	telegram, sms, contact, chat int64
}

func newWorkspace(t *testing.T, env *browsertest.Env) workspace {
	t.Helper()
	ctx := context.Background()
	var w workspace
	var err error
	ids := map[channels.Kind]int64{}
	for kind, name := range map[channels.Kind]string{channels.Telegram: "Support bot", channels.Email: "support@example.com",
		channels.SMS: "SMS line", channels.Phone: "Office PBX"} {
		if ids[kind], err = env.Inbox.CreateChannel(ctx, kind, name, nil); err != nil {
			t.Fatal(err)
		}
	}
	w.telegram, w.sms = ids[channels.Telegram], ids[channels.SMS]
	tg := channels.Identity{Kind: channels.IdentityTelegram, Value: "4242"}
	mail := channels.Identity{Kind: channels.IdentityEmail, Value: "sara@example.com"}
	mobile := channels.Identity{Kind: channels.IdentityPhone, Value: "+989121234567"}
	err = env.Inbox.Ingest(ctx, []channels.Inbound{
		{ChannelID: ids[channels.Email], ExternalID: "<order-1@example.com>", Kind: channels.KindEmail, From: mail,
			Also: []channels.Identity{tg, mobile}, SentAt: nowruz,
			Text:   "Hello,\n\nthe fridge I bought last month stopped cooling. Order 1042.\n\nSara",
			HTML:   "<p>Hello,</p><p>the fridge I bought last month <b>stopped cooling</b>. Order 1042.</p><p>Sara</p>",
			Thread: channels.Thread{MessageID: "order-1@example.com", Subject: "Fridge not cooling"},
			Attachments: []channels.Attachment{{Name: "receipt.pdf", ContentType: "application/pdf",
				Data: []byte("%PDF-1.4 receipt")}}},
		{ChannelID: w.telegram, ExternalID: "4242:1", Kind: channels.KindText, From: tg, SentAt: nowruz.Add(time.Hour),
			Text: "سلام، یخچالم خنک نمی\u200cکند. کی تعمیرکار می\u200cآید؟"},
		{ChannelID: ids[channels.Phone], ExternalID: "cdr-1", Kind: channels.KindCall, From: mobile, SentAt: nowruz.Add(2 * time.Hour),
			Call: &channels.Call{Disposition: "NO ANSWER", Duration: 0}},
		{ChannelID: ids[channels.SMS], ExternalID: "sms-1", Kind: channels.KindText,
			From: channels.Identity{Kind: channels.IdentityPhone, Value: "+989351112233"}, SentAt: nowruz.Add(3 * time.Hour),
			Text: "Is my washing machine repair booked for Saturday?"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Pool.QueryRow(ctx, `SELECT m.conversation_id, c.contact_id FROM messages m
		JOIN conversations c ON c.id = m.conversation_id WHERE m.external_id = '4242:1'`).Scan(&w.chat, &w.contact); err != nil {
		t.Fatal(err)
	}
	if err := env.Contacts.SetName(ctx, w.contact, "Sara Ahmadi"); err != nil {
		t.Fatal(err)
	}
	return w
}

// poll waits until the JavaScript expression is true.
func poll(expr string) chromedp.Action {
	return chromedp.Poll(expr, nil, chromedp.WithPollingTimeout(20*time.Second))
}

// TestAgentFlow is the agent's day in one flow: sign in, a Telegram
// message arrives live in the open conversation, reply, the reply shows
// in the timeline, shortcuts work, then switch to Persian and see the
// page right-to-left with Jalali dates and Persian digits.
func TestAgentFlow(t *testing.T) {
	env := browsertest.New(t, nil)
	w := newWorkspace(t, env)
	ctx := context.Background()
	b := env.Browser(t)
	b.Login(env.Admin.Email, browsertest.Password) // English

	b.Open("/?status=all")
	b.Run(chromedp.WaitReady(`body[data-live=on]`, chromedp.ByQuery))
	if got := b.NodeText(".rows"); !strings.Contains(got, "Sara Ahmadi") || !strings.Contains(got, "washing machine") {
		t.Fatalf("inbox rows: %q", got)
	}
	// j selects the first row, ? opens the shortcuts.
	var selected, help bool
	b.Run(chromedp.KeyEvent("j"), chromedp.Evaluate(`!!document.querySelector(".row.selected")`, &selected),
		chromedp.KeyEvent("?"), chromedp.Evaluate(`document.getElementById("help").open`, &help))
	if !selected || !help {
		t.Errorf("shortcuts: j selected a row %v, ? opened the help %v", selected, help)
	}
	b.Open("/?status=all")
	b.Screenshot("inbox")

	// A new customer's message appears in the inbox list, no reload.
	b.Run(chromedp.WaitReady(`body[data-live=on]`, chromedp.ByQuery), chromedp.Evaluate(`window.peykNoReload = true`, nil))
	sms := "Do you repair dishwashers too?"
	if err := env.Inbox.Ingest(ctx, []channels.Inbound{{ChannelID: w.sms, ExternalID: "sms-2", Kind: channels.KindText,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "+989127778899"}, Text: sms}}); err != nil {
		t.Fatal(err)
	}
	b.Run(poll(fmt.Sprintf(`document.getElementById("rows").innerText.includes(%q) && window.peykNoReload === true`, sms)))

	// A new Telegram message appears in the open conversation, no reload.
	b.Open(fmt.Sprintf("/conversations/%d", w.chat))
	b.Run(chromedp.WaitReady(`body[data-live=on]`, chromedp.ByQuery),
		chromedp.Evaluate(`window.peykNoReload = true`, nil))
	live := "Are you there? It is getting warm."
	if err := env.Inbox.Ingest(ctx, []channels.Inbound{{ChannelID: w.telegram, ExternalID: "4242:2", Kind: channels.KindText,
		From: channels.Identity{Kind: channels.IdentityTelegram, Value: "4242"}, Text: live}}); err != nil {
		t.Fatal(err)
	}
	b.Run(poll(fmt.Sprintf(`document.getElementById("timeline").innerText.includes(%q) && window.peykNoReload === true`, live)))

	// Reply with r, send, and see the reply in the timeline.
	reply := "A technician will call you today."
	b.Run(chromedp.KeyEvent("r"), poll(`document.activeElement.id === "reply-text"`),
		chromedp.SendKeys("#reply-text", reply, chromedp.ByQuery),
		chromedp.Click("#send", chromedp.ByQuery),
		chromedp.WaitVisible(fmt.Sprintf(`//ol[@id="timeline"]//div[contains(., %q)]`, reply), chromedp.BySearch))
	if got := b.NodeText("#timeline .entry:last-child .body"); got != reply {
		t.Errorf("last entry %q, want %q", got, reply)
	}
	if got := b.NodeText("#timeline .entry:last-child .state"); got != "queued" {
		t.Errorf("reply state %q", got)
	}
	b.Screenshot("conversation")

	// A canned response goes into the reply box; e resolves.
	if _, err := canned.NewStore(env.Pool).Create(ctx, 0, canned.Response{Title: "Visit", BodyEn: "The technician comes on Saturday."}); err != nil {
		t.Fatal(err)
	}
	b.Open(fmt.Sprintf("/conversations/%d", w.chat))
	var canned string
	b.Run(chromedp.Evaluate(`(() => { const s = document.getElementById("canned"); s.selectedIndex = 1; return s.selectedOptions[0].dataset.text })()`, &canned),
		chromedp.Click(`[data-action="insert-canned"]`, chromedp.ByQuery))
	var box string
	b.Run(chromedp.Value("#reply-text", &box, chromedp.ByQuery))
	if canned == "" || box != canned {
		t.Errorf("canned response %q, reply box %q", canned, box)
	}
	b.Run(chromedp.Evaluate(`document.getElementById("reply-text").blur()`, nil), chromedp.KeyEvent("e"),
		chromedp.WaitVisible("#reopen", chromedp.ByQuery))

	b.Open(fmt.Sprintf("/contacts/%d", w.contact))
	if got := b.NodeText("#timeline"); !strings.Contains(got, "Fridge not cooling") || !strings.Contains(got, reply) {
		t.Errorf("contact timeline %q", got)
	}
	b.Screenshot("contact")

	// Switch to Persian: right-to-left, Jalali dates, Persian digits.
	b.Open(fmt.Sprintf("/conversations/%d", w.chat))
	var dir, lang, text string
	b.Run(chromedp.Click("#lang-switch", chromedp.ByQuery), chromedp.WaitReady(`html[dir="rtl"] body[data-ready="1"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.lang`, &lang),
		chromedp.Evaluate(`document.documentElement.dir`, &dir),
		chromedp.Evaluate(`document.body.innerText`, &text))
	if lang != "fa" || dir != "rtl" {
		t.Fatalf("after the switch: lang %q dir %q", lang, dir)
	}
	for _, want := range []string{"۱۴۰۵/۰۱/۰۱", "پاسخ", "#۱۰۰"} {
		if !strings.Contains(text, want) {
			t.Errorf("Persian page lacks %q:\n%s", want, text)
		}
	}
	b.Open("/?status=all")
	var overflow bool
	b.Run(chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow))
	if overflow {
		t.Errorf("the Persian inbox is wider than the window")
	}
	b.Screenshot("inbox-fa")
}
