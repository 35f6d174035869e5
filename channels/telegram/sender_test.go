package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/telegram/telegramtest"
)

func TestSend(t *testing.T) {
	t.Parallel()
	to := channels.Identity{Kind: channels.IdentityTelegram, Value: "7001"}
	jpeg := channels.Attachment{Name: "receipt.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8 jpeg")}
	pdf := channels.Attachment{Name: "invoice.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7")}
	type sent struct {
		method, text, caption, reply, file string
	}
	tests := []struct {
		name string
		out  channels.Outbound
		fail map[string]telegramtest.Failure
		want []sent
		ext  string
	}{
		{name: "text", out: channels.Outbound{To: to, Text: "سلام سارا"},
			want: []sent{{method: "sendMessage", text: "سلام سارا"}}, ext: "7001:1"},
		{name: "reply", out: channels.Outbound{To: to, Text: "فردا", Thread: channels.Thread{InReplyTo: "7001:44"}},
			want: []sent{{method: "sendMessage", text: "فردا", reply: "44"}}, ext: "7001:1"},
		{name: "reply to another chat", out: channels.Outbound{To: to, Text: "x", Thread: channels.Thread{InReplyTo: "8002:44"}},
			want: []sent{{method: "sendMessage", text: "x"}}, ext: "7001:1"},
		{name: "photo with caption", out: channels.Outbound{To: to, Text: "رسید", Attachments: []channels.Attachment{jpeg},
			Thread: channels.Thread{InReplyTo: "7001:45"}},
			want: []sent{{method: "sendPhoto", caption: "رسید", reply: "45", file: "photo:receipt.jpg"}}, ext: "7001:1"},
		{name: "document", out: channels.Outbound{To: to, Attachments: []channels.Attachment{pdf}},
			want: []sent{{method: "sendDocument", file: "document:invoice.pdf"}}, ext: "7001:1"},
		{name: "two files", out: channels.Outbound{To: to, Text: "این دو فایل", Attachments: []channels.Attachment{jpeg, pdf},
			Thread: channels.Thread{InReplyTo: "7001:46"}},
			want: []sent{
				{method: "sendMessage", text: "این دو فایل", reply: "46"},
				{method: "sendPhoto", file: "photo:receipt.jpg"},
				{method: "sendDocument", file: "document:invoice.pdf"},
			}, ext: "7001:1"},
		{name: "photo refused", out: channels.Outbound{To: to, Attachments: []channels.Attachment{jpeg}},
			fail: map[string]telegramtest.Failure{"sendPhoto": {Code: 400, Description: "Bad Request: PHOTO_INVALID_DIMENSIONS"}},
			want: []sent{{method: "sendPhoto", file: "photo:receipt.jpg"}, {method: "sendDocument", file: "document:receipt.jpg"}},
			ext:  "7001:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := telegramtest.NewServer(t, testToken)
			b := newBot(t, api, 1)
			for m, f := range tt.fail {
				api.FailNext(m, f)
			}
			res, err := b.Send(context.Background(), tt.out)
			if err != nil {
				t.Fatal(err)
			}
			if res.ExternalID != tt.ext {
				t.Errorf("ExternalID = %q, want %q", res.ExternalID, tt.ext)
			}
			var got []sent
			for _, c := range api.Calls("") {
				if !strings.HasPrefix(c.Method, "send") {
					continue
				}
				if c.Params.Get("chat_id") != "7001" {
					t.Errorf("%s chat_id = %q", c.Method, c.Params.Get("chat_id"))
				}
				s := sent{method: c.Method, text: c.Params.Get("text"), caption: c.Params.Get("caption"),
					reply: c.Params.Get("reply_to_message_id")}
				for field, f := range c.Files {
					s.file = field + ":" + f.Name
				}
				got = append(got, s)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("sent %d messages, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("message %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// Telegram's refusals map to the channels contract: 429 to a
// RetryAfterError with its wait, 400 and 403 to ErrPermanent, 5xx to an
// error worth retrying.
func TestSendErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		to        string
		fail      *telegramtest.Failure
		retry     time.Duration
		permanent bool
	}{
		{name: "flood", fail: &telegramtest.Failure{Code: 429, Description: "Too Many Requests: retry after 17", RetryAfter: 17},
			retry: 17 * time.Second},
		{name: "blocked", fail: &telegramtest.Failure{Code: 403, Description: "Forbidden: bot was blocked by the user"}, permanent: true},
		{name: "no chat", fail: &telegramtest.Failure{Code: 400, Description: "Bad Request: chat not found"}, permanent: true},
		{name: "server", fail: &telegramtest.Failure{Code: 502, Description: "Bad Gateway"}},
		{name: "bad recipient", to: "sara@example.com", permanent: true},
	}
	for _, tt := range tests {
		for _, withPhoto := range []bool{false, true} {
			name := tt.name
			method := "sendMessage"
			if withPhoto {
				name, method = name+"/photo", "sendPhoto"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				api := telegramtest.NewServer(t, testToken)
				b := newBot(t, api, 1)
				if tt.fail != nil {
					api.FailNext(method, *tt.fail)
				}
				out := channels.Outbound{To: channels.Identity{Kind: channels.IdentityTelegram, Value: "7001"}, Text: "سلام"}
				if tt.to != "" {
					out.To = channels.Identity{Kind: channels.IdentityEmail, Value: tt.to}
				}
				if withPhoto {
					out.Attachments = []channels.Attachment{{Name: "a.png", ContentType: "image/png", Data: []byte("png")}}
				}
				_, err := b.Send(context.Background(), out)
				if err == nil {
					t.Fatal("Send succeeded")
				}
				var ra *channels.RetryAfterError
				if got := errors.As(err, &ra); got != (tt.retry > 0) || got && ra.After != tt.retry {
					t.Errorf("err = %v, want a RetryAfterError of %s", err, tt.retry)
				}
				if got := errors.Is(err, channels.ErrPermanent); got != tt.permanent {
					t.Errorf("err = %v: permanent %v, want %v", err, got, tt.permanent)
				}
				if strings.Contains(err.Error(), testToken) {
					t.Errorf("err %q shows the token", err)
				}
			})
		}
	}
}

// Text longer than Telegram's 4096 characters goes in several messages;
// only the first answers the message replied to.
func TestSendLongText(t *testing.T) {
	t.Parallel()
	api := telegramtest.NewServer(t, testToken)
	b := newBot(t, api, 1)
	text := strings.Repeat("سلام ", 1000)
	res, err := b.Send(context.Background(), channels.Outbound{To: channels.Identity{Kind: channels.IdentityTelegram, Value: "7001"},
		Text: text, Thread: channels.Thread{InReplyTo: "7001:9"}})
	if err != nil {
		t.Fatal(err)
	}
	calls := api.Calls("sendMessage")
	if len(calls) != 2 || res.ExternalID != "7001:1" {
		t.Fatalf("%d messages, ExternalID %q; want 2 and 7001:1", len(calls), res.ExternalID)
	}
	var parts []string
	for i, c := range calls {
		p := c.Params.Get("text")
		if n := utf16Len(p); n > 4096 {
			t.Errorf("part %d is %d characters long", i, n)
		}
		if got, want := c.Params.Get("reply_to_message_id"), map[int]string{0: "9"}[i]; got != want {
			t.Errorf("part %d reply_to_message_id = %q, want %q", i, got, want)
		}
		parts = append(parts, p)
	}
	if strings.Join(parts, " ") != text {
		t.Error("the parts do not make up the text")
	}
}

func TestSendNothing(t *testing.T) {
	t.Parallel()
	api := telegramtest.NewServer(t, testToken)
	b := newBot(t, api, 1)
	_, err := b.Send(context.Background(), channels.Outbound{To: channels.Identity{Kind: channels.IdentityTelegram, Value: "7001"}, Text: " \n"})
	if !errors.Is(err, channels.ErrPermanent) || !errors.Is(err, channels.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid and ErrPermanent", err)
	}
	if n := len(api.Calls("sendMessage")); n != 0 {
		t.Fatalf("%d sendMessage calls", n)
	}
}

func TestSplitText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		limit int
		want  []string
	}{
		{"", 10, nil},
		{"short", 10, []string{"short"}},
		{"one two three four", 10, []string{"one two", "three four"}},
		{"line one\nline two", 12, []string{"line one", "line two"}},
		{"abcdefghijklmnop", 5, []string{"abcde", "fghij", "klmno", "p"}},
		{"😀😀😀", 4, []string{"😀😀", "😀"}},
		{"سلام دنیا", 5, []string{"سلام", "دنیا"}},
	}
	for _, tt := range tests {
		got := splitText(tt.in, tt.limit)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("splitText(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}
