package telegram

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/peykhq/peyk/channels"
)

// fakeFiles serves downloads from a map; a missing file id is a
// permanent failure, one mapped to nil a passing one.
type fakeFiles map[string][]byte

func (f fakeFiles) Download(_ context.Context, id string) ([]byte, error) {
	data, ok := f[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("no file %q: %w", id, channels.ErrPermanent)
	case data == nil:
		return nil, errors.New("telegram is down")
	}
	return data, nil
}

var sara = channels.Identity{Kind: channels.IdentityTelegram, Value: "7001", Name: "سارا احمدی"}

// msg is an expected Inbound from Sara.
func msg(id int, date int64, text string) *channels.Inbound {
	return &channels.Inbound{ChannelID: 9, ExternalID: fmt.Sprintf("7001:%d", id), Direction: channels.In,
		Kind: channels.KindText, From: sara, Text: text, SentAt: time.Unix(date, 0).UTC()}
}

func TestConvert(t *testing.T) {
	t.Parallel()
	files := fakeFiles{
		"AgACAgQAAxkBAAIBLWX-large": []byte("\xff\xd8 large jpeg"),
		"BQACAgQAAxkBAAIBLmX-doc":   []byte("%PDF-1.7"),
		"AwACAgQAAxkBAAIBL2X-voice": []byte("OggS voice"),
	}
	with := func(in *channels.Inbound, f func(*channels.Inbound)) *channels.Inbound { f(in); return in }
	tests := []struct {
		name    string
		want    Event
		ignored string
	}{
		{name: "text", want: Event{Inbound: msg(42, 1763800000, "سلام، سفارش من کی می\u200cرسد؟")}},
		{name: "reply", want: Event{Inbound: with(msg(44, 1763800060, "ممنون! ساعت چند؟"), func(in *channels.Inbound) {
			in.Thread.InReplyTo = "7001:43"
		})}},
		{name: "photo", want: Event{Inbound: with(msg(45, 1763800120, "عکس کالای آسیب\u200cدیده"), func(in *channels.Inbound) {
			in.Attachments = []channels.Attachment{{Name: "photo.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8 large jpeg")}}
		})}},
		{name: "document", want: Event{Inbound: with(msg(46, 1763800180, ""), func(in *channels.Inbound) {
			in.Attachments = []channels.Attachment{{Name: "فاکتور-۱۴۰۴.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7")}}
		})}},
		{name: "voice", want: Event{Inbound: with(msg(47, 1763800240, ""), func(in *channels.Inbound) {
			in.Attachments = []channels.Attachment{{Name: "voice.ogg", ContentType: "audio/ogg", Data: []byte("OggS voice")}}
		})}},
		{name: "location", want: Event{Inbound: msg(48, 1763800300, "📍 35.6892, 51.3890\ngeo:35.6892,51.389")}},
		{name: "venue", want: Event{Inbound: msg(51, 1763800680,
			"📍 برج آزادی, میدان آزادی، تهران\n📍 35.6997, 51.3381\ngeo:35.699739,51.338097")}},
		{name: "contact_own", want: Event{Inbound: with(msg(49, 1763800360, "📞 +989121234567"), func(in *channels.Inbound) {
			in.Also = []channels.Identity{{Kind: channels.IdentityPhone, Value: "+989121234567", Name: "سارا احمدی"}}
		})}},
		{name: "contact_other", want: Event{Inbound: msg(50, 1763800420, "👤 علی رضایی: +989351112233")}},
		{name: "sticker", want: Event{Inbound: msg(52, 1763800740, "[sticker] 👍")}},
		{name: "edited", want: Event{Update: &channels.Update{ChannelID: 9, ExternalID: "7001:42",
			Text: "سلام، سفارش ۱۲۳۴ من کی می\u200cرسد؟", Edited: true, At: time.Unix(1763800500, 0).UTC()}}},
		{name: "edited_caption", want: Event{Update: &channels.Update{ChannelID: 9, ExternalID: "7001:45",
			Text: "عکس کالای آسیب\u200cدیده، جعبه هم پاره بود", Edited: true, At: time.Unix(1763800900, 0).UTC()}}},
		{name: "group", ignored: "not a private chat (supergroup)"},
		{name: "channel_post", ignored: "not a new or edited message"},
		{name: "pinned", ignored: "no supported content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, u := update(t, tt.name)
			got, err := Convert(context.Background(), 9, u, files)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.UpdateID, want.Ignored = u.UpdateID, tt.ignored
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Convert:\n got %s\nwant %s", show(got), show(want))
			}
		})
	}
}

func show(ev Event) string {
	s := fmt.Sprintf("{UpdateID:%d Ignored:%q", ev.UpdateID, ev.Ignored)
	if ev.Inbound != nil {
		s += fmt.Sprintf(" Inbound:%+v", *ev.Inbound)
	}
	if ev.Update != nil {
		s += fmt.Sprintf(" Update:%+v", *ev.Update)
	}
	return s + "}"
}

// Files that cannot be had keep their name and type; a passing failure
// fails the conversion so the update is retried; without Files nothing is
// downloaded.
func TestConvertDownloads(t *testing.T) {
	t.Parallel()
	_, u := update(t, "photo")
	tests := []struct {
		name     string
		files    Files
		wantErr  bool
		wantData string
		header   string
	}{
		{name: "ok", files: fakeFiles{"AgACAgQAAxkBAAIBLWX-large": []byte("jpeg")}, wantData: "jpeg"},
		{name: "permanent", files: fakeFiles{}, header: `photo.jpg: no file "AgACAgQAAxkBAAIBLWX-large"`},
		{name: "passing", files: fakeFiles{"AgACAgQAAxkBAAIBLWX-large": nil}, wantErr: true},
		{name: "no files", files: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := Convert(context.Background(), 9, u, tt.files)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "telegram is down") {
					t.Fatalf("err = %v, want the download error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			atts := ev.Inbound.Attachments
			if len(atts) != 1 || atts[0].Name != "photo.jpg" || string(atts[0].Data) != tt.wantData {
				t.Fatalf("attachments = %+v", atts)
			}
			if got := ev.Inbound.Headers["Telegram-File-Error"]; !strings.HasPrefix(got, tt.header) {
				t.Errorf("Telegram-File-Error = %q, want it to start with %q", got, tt.header)
			}
		})
	}
}

// Messages that are not a customer's in a private chat are ignored, and
// dates that cannot be right are read as "now".
func TestConvertOdd(t *testing.T) {
	t.Parallel()
	private := &tgbotapi.Chat{ID: 7001, Type: "private"}
	user := &tgbotapi.User{ID: 7001, UserName: "sara_a"}
	tests := []struct {
		name    string
		m       tgbotapi.Message
		ignored string
	}{
		{"no chat", tgbotapi.Message{MessageID: 1, From: user, Text: "x"}, "no chat"},
		{"no sender", tgbotapi.Message{MessageID: 1, Chat: private, Text: "x"}, "no sender"},
		{"negative sender", tgbotapi.Message{MessageID: 1, Chat: private, From: &tgbotapi.User{ID: -5}, Text: "x"}, "no sender"},
		{"bot", tgbotapi.Message{MessageID: 1, Chat: private, From: &tgbotapi.User{ID: 7001, IsBot: true}, Text: "x"}, "sent by a bot"},
		{"no message id", tgbotapi.Message{Chat: private, From: user, Text: "x"}, "no chat or message id"},
		{"empty", tgbotapi.Message{MessageID: 1, Chat: private, From: user}, "no supported content"},
		{"far future", tgbotapi.Message{MessageID: 1, Chat: private, From: user, Text: "x", Date: 1 << 62}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := Convert(context.Background(), 9, tgbotapi.Update{UpdateID: 1, Message: &tt.m}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Ignored != tt.ignored {
				t.Fatalf("Ignored = %q, want %q", ev.Ignored, tt.ignored)
			}
			if tt.ignored == "" {
				if ev.Inbound == nil || !ev.Inbound.SentAt.IsZero() || ev.Inbound.From.Name != "@sara_a" {
					t.Fatalf("Inbound = %+v, want a zero SentAt and the @username as name", ev.Inbound)
				}
			}
		})
	}
}

func TestIntlPhone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"989121234567":   "+989121234567",
		"+989121234567":  "+989121234567",
		"09121234567":    "09121234567",
		" 14155552671 ":  "+14155552671",
		"+1 415 5552671": "+1 415 5552671",
		"":               "",
	} {
		if got := intlPhone(in); got != want {
			t.Errorf("intlPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
