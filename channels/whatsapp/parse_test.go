package whatsapp

import (
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/whatsapp/whatsapptest"
)

// TestParse parses every documented payload in whatsapptest's testdata
// and checks what it becomes; a payload without a case fails the test.
func TestParse(t *testing.T) {
	const out1 = "wamid.HBgMOTg5MTIxMjM0NTY3FQIAERgSOUTBOUND01"
	sent := time.Unix(1796000000, 0).UTC()
	type want struct {
		text       string // the Inbound's text contains it
		file       string // attachment name
		fileType   string
		mediaID    string
		inReplyTo  string
		header     [2]string
		also       int // number of Also identities
		status     string
		errContain string
		ignored    bool
	}
	cases := map[string]want{
		"text":               {text: "سلام، سفارش من کی می\u200cرسد؟", also: 1},
		"reply":              {text: "بله، همین را می\u200cخواهم", inReplyTo: out1, also: 1},
		"image":              {text: "رسید پرداخت", file: "image.jpg", fileType: "image/jpeg", mediaID: "1003383421387256", also: 1},
		"video":              {file: "video.mp4", fileType: "video/mp4", mediaID: "1003383421387257", also: 1},
		"audio":              {file: "voice.ogg", fileType: "audio/ogg; codecs=opus", mediaID: "1003383421387258", also: 1},
		"document":           {text: "فاکتور", file: "invoice-1403.pdf", fileType: "application/pdf", mediaID: "1003383421387259", also: 1},
		"sticker":            {text: "[sticker]", file: "sticker.webp", fileType: "image/webp", mediaID: "1003383421387260", also: 1},
		"location":           {text: "📍 میدان آزادی, تهران، میدان آزادی\n📍 35.6892, 51.3890\ngeo:35.6891975,51.3889736\nhttps://maps.example.com/azadi", also: 1},
		"contacts":           {text: "👤 Reza Karimi: +98 912 765 4321, reza@example.com", also: 1},
		"interactive_button": {text: "🔘 بله، تأیید", header: [2]string{"WhatsApp-Reply-Id", "confirm-yes"}, inReplyTo: "wamid.HBgMOTg5MTIxMjM0NTY3FQIAERgSOUTBOUND02", also: 1},
		"interactive_list":   {text: "🔘 ساعت ۱۰ — شنبه صبح", header: [2]string{"WhatsApp-Reply-Id", "slot-10"}, also: 1},
		"button":             {text: "🔘 لغو اشتراک", header: [2]string{"WhatsApp-Button-Payload", "STOP_PROMOTIONS"}, inReplyTo: "wamid.HBgMOTg5MTIxMjM0NTY3FQIAERgSOUTBOUND03", also: 1},
		"reaction":           {text: "[reaction] 👍", header: [2]string{"WhatsApp-Reaction-To", out1}, also: 1},
		"unsupported":        {text: "[WhatsApp unsupported message] 131051 Message type unknown Message type is currently not supported.", also: 1},
		"system":             {text: "[system] User 989121234567 changed number to 989351112233", also: 3},
		"order":              {text: "[WhatsApp order message]", also: 1},
		"status_sent":        {status: channels.StatusSent},
		"status_delivered":   {status: channels.StatusDelivered},
		"status_read":        {status: channels.StatusDelivered},
		"status_failed":      {status: channels.StatusFailed, errContain: "131026 Message undeliverable Message Undeliverable."},
		"status_failed_window": {status: channels.StatusFailed,
			errContain: "131047 Re-engagement message Message failed to send because more than 24 hours have passed"},
		"other_number": {ignored: true},
	}
	for _, name := range whatsapptest.Names() {
		t.Run(name, func(t *testing.T) {
			w, ok := cases[name]
			if !ok {
				t.Fatalf("testdata payload %s has no case", name)
			}
			evs, err := Parse(7, whatsapptest.PhoneNumberID, whatsapptest.Payload(name))
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 {
				t.Fatalf("%d events, want 1: %+v", len(evs), evs)
			}
			ev := evs[0]
			switch {
			case w.ignored:
				if ev.Ignored == "" || ev.Inbound != nil || ev.Update != nil {
					t.Fatalf("not ignored: %+v", ev)
				}
			case w.status != "":
				u := ev.Update
				if u == nil {
					t.Fatalf("no update: %+v", ev)
				}
				if u.ChannelID != 7 || u.ExternalID != out1 || u.Status != w.status || !u.At.Equal(sent) {
					t.Fatalf("update %+v", u)
				}
				if !strings.Contains(u.Error, w.errContain) || (w.errContain == "") != (u.Error == "") {
					t.Fatalf("error %q, want %q", u.Error, w.errContain)
				}
			default:
				checkInbound(t, ev, w.text, w.file, w.fileType, w.mediaID, w.inReplyTo, w.header, w.also, sent)
			}
		})
	}
	t.Run("window failure names the rule", func(t *testing.T) {
		evs, _ := Parse(7, "", whatsapptest.Payload("status_failed_window"))
		if !strings.Contains(evs[0].Update.Error, "only an approved template may be sent") {
			t.Fatalf("error %q", evs[0].Update.Error)
		}
	})
	t.Run("system message merges the new number", func(t *testing.T) {
		evs, _ := Parse(7, "", whatsapptest.Payload("system"))
		also := evs[0].Inbound.Also
		if also[1] != (channels.Identity{Kind: Identity, Value: "989351112233", Name: "سارا احمدی"}) ||
			also[2].Kind != channels.IdentityPhone || also[2].Value != "+989351112233" {
			t.Fatalf("also %+v", also)
		}
	})
}

func checkInbound(t *testing.T, ev Event, text, file, fileType, mediaID, inReplyTo string, header [2]string, also int, sent time.Time) {
	t.Helper()
	in := ev.Inbound
	if in == nil {
		t.Fatalf("no inbound: %+v", ev)
	}
	if in.ChannelID != 7 || !strings.HasPrefix(in.ExternalID, "wamid.") || in.Direction != channels.In ||
		in.Kind != channels.KindText || !in.SentAt.Equal(sent) {
		t.Fatalf("inbound %+v", in)
	}
	if in.From != (channels.Identity{Kind: Identity, Value: whatsapptest.Customer, Name: "سارا احمدی"}) {
		t.Fatalf("from %+v", in.From)
	}
	if len(in.Also) != also || in.Also[0] != (channels.Identity{Kind: channels.IdentityPhone, Value: "+" + whatsapptest.Customer, Name: "سارا احمدی"}) {
		t.Fatalf("also %+v", in.Also)
	}
	if !strings.Contains(in.Text, text) || (text == "") != (in.Text == "") {
		t.Fatalf("text %q, want %q", in.Text, text)
	}
	if in.Thread.InReplyTo != inReplyTo {
		t.Fatalf("in reply to %q, want %q", in.Thread.InReplyTo, inReplyTo)
	}
	if header[0] != "" && in.Headers[header[0]] != header[1] {
		t.Fatalf("headers %v, want %s: %s", in.Headers, header[0], header[1])
	}
	if file == "" {
		if len(in.Attachments) != 0 || ev.Media != nil {
			t.Fatalf("attachments %+v media %+v", in.Attachments, ev.Media)
		}
		return
	}
	if len(in.Attachments) != 1 || in.Attachments[0].Name != file || in.Attachments[0].ContentType != fileType ||
		ev.Media == nil || ev.Media.ID != mediaID {
		t.Fatalf("attachments %+v media %+v", in.Attachments, ev.Media)
	}
}

// TestParseRefuses checks that bodies that are not notifications are
// refused as invalid, and odd but valid ones are ignored item by item.
func TestParseRefuses(t *testing.T) {
	for _, body := range []string{``, `[]`, `{"object":"page","entry":[]}`, `{"object":"whatsapp_business_account","entry":"x"}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"timestamp":{}}]}}]}]}`} {
		if _, err := Parse(1, "", []byte(body)); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
	body := `{"object":"whatsapp_business_account","entry":[{"changes":[
		{"field":"message_template_status_update","value":{}},
		{"field":"messages","value":{"messages":[{"id":"wamid.1","type":"text","text":{"body":"x"}},{"from":"98912","type":"text"}],
			"statuses":[{"status":"sent"},{"id":"wamid.2","status":"deleted"}]}}]}]}`
	evs, err := Parse(1, "", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 5 {
		t.Fatalf("%d events: %+v", len(evs), evs)
	}
	for _, ev := range evs {
		if ev.Ignored == "" {
			t.Errorf("not ignored: %+v", ev)
		}
	}
}
