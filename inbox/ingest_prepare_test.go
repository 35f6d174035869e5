package inbox

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/peykhq/peyk/channels"
)

// FuzzPrepare feeds arbitrary provider data to the validation step: it
// must never panic, and what it accepts must be storable text.
func FuzzPrepare(f *testing.F) {
	f.Add("sm-1", "09123456789", "salam", "<b>hi</b>", "Re: [#1001] order", "<a@b>", "x@y z@w", int64(1))
	f.Add("", "not a phone", "\xff\xfe", "", "", "", "", int64(0))
	f.Add("id\x00", "+98۹۱۲۳۴۵۶۷۸۹", "\x00", "\xc0", "[#99999999999999999999]", "<<>>", "<>", int64(-5))
	ib := &Inbox{cfg: Config{MaxBody: 64}.withDefaults()}
	f.Fuzz(func(t *testing.T, ext, phone, text, html, subject, msgID, refs string, channel int64) {
		in := channels.Inbound{ChannelID: channel, ExternalID: ext, Text: text, HTML: html,
			From:    channels.Identity{Kind: channels.IdentityPhone, Value: phone},
			Also:    []channels.Identity{{Kind: channels.IdentityEmail, Value: text}},
			Thread:  channels.Thread{Subject: subject, MessageID: msgID, References: strings.Fields(refs)},
			Headers: map[string]string{subject: html}}
		it, err := ib.prepare(in)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for _, s := range []string{it.in.ExternalID, it.in.Text, it.in.HTML, it.in.Thread.Subject, it.in.Thread.MessageID, string(it.headers)} {
			if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
				t.Fatalf("unstorable text %q", s)
			}
		}
		if len(it.in.Text) > 64 || len(it.in.HTML) > 64 {
			t.Fatalf("body over MaxBody: %d, %d", len(it.in.Text), len(it.in.HTML))
		}
		clean := func(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }
		if clean(text) && clean(html) && (len(text) > 64 || len(html) > 64) && !it.truncated {
			t.Fatal("cut body not marked truncated")
		}
	})
}
