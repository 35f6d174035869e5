package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/emersion/go-message/mail"
)

// demoAnswers makes simulated customers answer what agents send them: a
// reply from the UI reaches a stand-in, and a few seconds later the
// customer's thanks comes back in through the channel's adapter, so a
// newcomer sees the round trip.
type demoAnswers struct {
	ctx       context.Context
	customers *demoCustomers
	after     time.Duration
	log       *slog.Logger

	mu     sync.Mutex
	n      int  // answers sent: picks the next wording
	closed bool // wait was called: no more answers
	wg     sync.WaitGroup
}

func newDemoAnswers(ctx context.Context, c *demoCustomers, after time.Duration, log *slog.Logger) *demoAnswers {
	return &demoAnswers{ctx: ctx, customers: c, after: after, log: log}
}

// answer sends e after the pause, unless the demo stops first.
func (a *demoAnswers) answer(e demoEvent) {
	a.mu.Lock() // orders the Add before wait's Wait
	defer a.mu.Unlock()
	if a.closed || a.ctx.Err() != nil {
		return
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		select {
		case <-a.ctx.Done():
			return
		case <-time.After(a.after):
		}
		if err := a.customers.do(a.ctx, e); err != nil && a.ctx.Err() == nil {
			a.log.Warn("demo: customer's answer", "err", err)
		}
	}()
}

// wait stops new answers and waits for those under way; call it after the
// demo's context ended, which ends them.
func (a *demoAnswers) wait() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.wg.Wait()
}

// text is the customer's answer to an agent's words, in their language.
func (a *demoAnswers) text(agent string) string {
	a.mu.Lock()
	a.n++
	n := a.n
	a.mu.Unlock()
	if persian(agent) {
		return []string{"خیلی ممنون از پاسخ\u200cتون 🙏", "ممنون، متوجه شدم.", "عالیه، مرسی!"}[n%3]
	}
	return []string{"Thanks a lot!", "Great, thank you.", "Perfect, thanks for the quick answer."}[n%3]
}

// mail answers an agent's mail the SMTP stand-in accepted: a reply from
// the recipient to its Reply-To address, threaded on its Message-ID.
func (a *demoAnswers) mail(m demoMail) {
	r, err := mail.CreateReader(bytes.NewReader(m.Data))
	if err != nil {
		a.log.Warn("demo: unreadable agent mail", "err", err)
		return
	}
	defer r.Close()
	id, _ := r.Header.MessageID()
	subject, _ := r.Header.Subject()
	to, _ := r.Header.AddressList("Reply-To")
	if id == "" || len(m.To) != 1 {
		return
	}
	who := demoCustomer{Email: m.To[0]}
	if from, err := r.Header.AddressList("To"); err == nil && len(from) == 1 {
		who.First = from[0].Name
	}
	e := demoEvent{ID: "re-" + shortHash(id), Via: viaEmail, Who: who, Subject: subject, InReplyTo: id,
		Text: a.text(subject)}
	if !strings.HasPrefix(strings.ToLower(subject), "re:") {
		e.Subject = "Re: " + subject
	}
	if len(to) == 1 {
		e.To = to[0].Address
	}
	a.answer(e)
}

// telegram answers a message the bot sent to a user.
func (a *demoAnswers) telegram(chat int64, text string) {
	who, ok := a.customers.telegramUser(chat)
	if !ok {
		return // not one of the demo's customers
	}
	a.answer(demoEvent{ID: demoLiveID(time.Now()), Via: viaTelegram, Who: who, Text: a.text(text)})
}

// sms answers an SMS the gateway sent; sid is the send's, so its answer
// is made once.
func (a *demoAnswers) sms(to, text, sid string) {
	a.answer(demoEvent{ID: "re-" + sid, Via: viaSMS, Who: demoCustomer{Phone: to}, Text: a.text(text)})
}

// watch answers every sendMessage the Bot API stand-in receives, until
// ctx ends.
func (a *demoAnswers) watch(ctx context.Context) {
	a.wg.Add(1)
	go func() { defer a.wg.Done(); a.watchBot(ctx) }()
}

func (a *demoAnswers) watchBot(ctx context.Context) {
	done := 0
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		calls := a.customers.bot.Calls("sendMessage")
		for _, c := range calls[done:] {
			chat, err := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
			if err == nil && chat > 0 {
				a.telegram(chat, c.Params.Get("text"))
			}
		}
		done = len(calls)
	}
}

// persian reports whether s has Arabic-script letters.
func persian(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return true
		}
	}
	return false
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}
