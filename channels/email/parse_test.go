package email

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
)

// golden is what Parse must make of one mail in testdata/.
type golden struct {
	file string
	// id is the ExternalID; empty means "sha256:" and the file's digest.
	id         string
	from, name string
	out        bool // Direction Out
	subject    string
	inReplyTo  string
	refs       []string // nil means none; see nrefs
	nrefs      int      // when refs is nil and nrefs > 0: how many
	token      string
	auto       bool
	sent       string // RFC 3339; empty means zero
	text       string
	html       []string // substrings the sanitized HTML must contain
	noHTML     []string // substrings it must not contain
	atts       []att
	update     *channels.Update
	err        string // a substring of the error; empty means none
	headers    map[string]string
}

type att struct {
	name, typ, cid string
	size           int
}

var corpus = []golden{
	{file: "01-gmail-alternative.eml", id: "CAJ7z9Xk2-1xYvQ_Rg8aBcD3fG+hT0uVwXyZ@mail.gmail.com",
		from: "sara.ahmadi@gmail.com", name: "سارا احمدی", subject: "پیگیری سفارش ۱۲۳۴", sent: "2026-03-21T12:30:01Z",
		text: "سلام، وقت بخیر.\nسفارش شماره ۱۲۳۴ هنوز به دستم نرسیده است. لطفاً پیگیری کنید.\nبا تشکر، سارا احمدی",
		html: []string{`<div dir="rtl">سلام، وقت بخیر.<div>`},
		headers: map[string]string{"Message-ID": "<CAJ7z9Xk2-1xYvQ_Rg8aBcD3fG+hT0uVwXyZ@mail.gmail.com>",
			"To": "support@example.com", "Date": "Sat, 21 Mar 2026 16:00:01 +0330"}},
	{file: "02-gmail-reply-token.eml", id: "CAJ7z9XmR4-reply2@mail.gmail.com",
		from: "Sara.Ahmadi@gmail.com", name: "سارا احمدی", subject: "Re: پیگیری سفارش ۱۲۳۴ [#1042]",
		inReplyTo: "peyk.17.9f8e7d6c@example.com",
		refs:      []string{"CAJ7z9Xk2-1xYvQ_Rg8aBcD3fG+hT0uVwXyZ@mail.gmail.com", "peyk.17.9f8e7d6c@example.com"},
		token:     "k3jz7q2mxv4tnp6a", sent: "2026-03-21T14:42:44Z",
		text: "ممنون، بسته امروز رسید.\n\nOn Sat, Mar 21, 2026 at 5:00 PM Peyk Support <support@example.com> wrote:\n> سفارش شما ارسال شد.",
		html: []string{"<blockquote>سفارش شما ارسال شد.</blockquote>"}, noHTML: []string{"style="}},
	{file: "03-gmail-attachment.eml", id: "CAF=invoice+pdf=9931@mail.gmail.com",
		from: "reza.karimi@gmail.com", name: "Reza Karimi", subject: "Invoice for March", sent: "2026-03-23T05:45:00Z",
		text: "Hello,\n\nPlease find the invoice attached.\n\nReza",
		html: []string{"<div>Please find the invoice attached.</div>"},
		atts: []att{{"invoice-1404-01.pdf", "application/pdf", "f_m1abc2de0", 136}}},
	{file: "04-gmail-inline-image.eml", id: "CAGinline-img-5521@mail.gmail.com",
		from: "neda.rahimi@gmail.com", name: "Neda Rahimi", subject: "Screenshot of the error", sent: "2026-03-24T07:32:33Z",
		text: "The payment page shows this:\n[image: error.png]",
		html: []string{`<img src="cid:ii_m1xyz0001" alt="error.png"`},
		atts: []att{{"error.png", "image/png", "ii_m1xyz0001", 70}}},
	{file: "05-gmail-forwarded.eml", id: "CAHfwd-7788@mail.gmail.com",
		from: "ali.moradi@gmail.com", name: "Ali Moradi", subject: "Fwd: Your order has shipped", sent: "2026-03-25T04:30:00Z",
		text: "The tracking number does not work.\n\n---------- Forwarded message ---------\nFrom: Example Shop <no-reply@example.com>\n" +
			"Date: Tue, Mar 24, 2026 at 6:00 PM\nSubject: Your order has shipped\nTo: <ali.moradi@gmail.com>\n\n\nTracking number: IR1234567890",
		html: []string{`<a href="mailto:no-reply@example.com" rel="nofollow">`}},
	{file: "06-outlook-alternative.eml", id: "AM9PR07MB78905A1B2C3D4E5F6A7B8C9D0E1F2@AM9PR07MB7890.eurprd07.prod.outlook.com",
		from: "m.hosseini@contoso.com", name: "Hosseini, Maryam", subject: "Contract renewal question", sent: "2026-03-26T07:41:09Z",
		text:    "Hello,\n\nOur contract ends on 31 March. Could you send the renewal terms – ideally before Friday?\n\nBest regards,\nMaryam Hosseini\nContoso Ltd.",
		html:    []string{"<p>Our contract ends on 31 March."},
		noHTML:  []string{"<style", "MsoNormal", "<o:p>", "<head"},
		headers: map[string]string{"Cc": `"Tehrani, Kaveh" <k.tehrani@contoso.com>`}},
	{file: "07-outlook-encoded-filenames.eml", id: "AM9PR07MB7890ATTACH01@AM9PR07MB7890.eurprd07.prod.outlook.com",
		from: "k.tehrani@contoso.com", name: "Kaveh Tehrani", subject: "قرارداد جدید", sent: "2026-03-27T10:20:00Z",
		text: "فایل قرارداد و لیست قیمت پیوست است.",
		atts: []att{
			{"قرارداد-۱۴۰۵.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "", 8},
			{"لیست-قیمت.csv", "text/csv", "", 24},
		}},
	{file: "08-outlook-out-of-office.eml", id: "AM9PR07MB7890OOF0001@AM9PR07MB7890.eurprd07.prod.outlook.com",
		from: "m.hosseini@contoso.com", name: "Hosseini, Maryam", subject: "Automatic reply: Re: Contract renewal question [#1051]",
		inReplyTo: "peyk.51.aa11bb22@example.com", auto: true, sent: "2026-03-28T06:00:02Z",
		text: "I am out of the office until 5 April (Nowruz holidays) with limited access to email."},
	{file: "09-apple-mail.eml", id: "6E1F0A2B-3C4D-4E5F-8A9B-0C1D2E3F4A5B@icloud.com",
		from: "parisa.naderi@icloud.com", name: "Parisa Naderi", subject: "Question about delivery — Tehran", sent: "2026-03-29T10:35:31Z",
		text:   "Hi,\n\nDo you deliver to Pardis? The checkout says “not available”.\n\nParisa",
		noHTML: []string{"style=", "<body"}},
	{file: "10-apple-mixed-inline.eml", id: "A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF@icloud.com",
		from: "parisa.naderi@icloud.com", name: "Parisa Naderi", subject: "Damaged package", sent: "2026-03-29T11:30:00Z",
		text: "The box arrived like this:\n\nCan you send a replacement?",
		atts: []att{{"IMG_4021.jpg", "image/jpeg", "", 91}}},
	{file: "11-thunderbird-flowed-8bit.eml", id: "8c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f@riseup.net",
		from: "hamid@riseup.net", name: "Hamid Shafiei", subject: "شکایت", sent: "2026-03-30T16:40:00Z",
		text: "سلام،\nمحصول خریداری شده معیوب است و می\u200cخواهم آن را مرجوع کنم.\n\n-- \nحمید شفیعی"},
	{file: "12-thunderbird-attachments.eml", id: "b7a6c5d4-e3f2-1a0b-9c8d-7e6f5a4b3c2d@posteo.de",
		from: "jonas.weber@posteo.de", name: "Jonas Weber", subject: "Logs from the failed import", sent: "2026-03-31T07:00:00Z",
		text: "Hi, the import failed again. Logs attached.\n\nJonas",
		atts: []att{{"import.log", "text/plain", "", 44}, {"export.zip", "application/zip", "", 22}}},
	{file: "13-windows-1256.eml", id: "1600000001.123456.1234@mail.yahoo.com",
		from: "mahdi.rezaei@yahoo.com", name: "مهدي رضايي", subject: "درخواست فاکتور", sent: "2026-04-01T05:30:00Z",
		text: "سلام\nلطفا فاکتور خريد مرا ارسال کنيد.\nبا سپاس، مهدي"},
	{file: "14-iso-8859-6.eml", id: "20260402120000.GA1234@mail.example.ae",
		from: "khaled@example.ae", name: "خالد", subject: "إلغاء الطلب", sent: "2026-04-02T08:00:00Z",
		text: "مرحبا\nأريد إلغاء الطلب رقم 5521.\nشكرا"},
	{file: "15-html-only-windows-1256.eml", id: "DB9P190MB1234HTMLONLY@DB9P190MB1234.EURP190.PROD.OUTLOOK.COM",
		from: "golnaz.f@outlook.com", name: "Golnaz Farahani", subject: "کد تخفيف", sent: "2026-04-03T06:00:00Z",
		text: "با سلام\n\nکد تخفيف NOWRUZ کار نمي کند.",
		html: []string{"<p>کد تخفيف <b>NOWRUZ</b> کار نمي کند.</p>"}, noHTML: []string{"<meta"}},
	{file: "16-no-message-id.eml", from: "old-system@legacy.example.org", subject: "Nightly report",
		sent: "2026-04-04T02:00:00Z", text: "All 12 jobs finished."},
	{file: "17-long-headers.eml", id: "thread-60.xxxxxxxxxxxxxxxxxxxx@mail.example.net",
		from: "long.thread@example.net", name: "Long Thread",
		subject:   "Re: " + strings.Repeat("A very long subject line that keeps going ", 6) + "[#1077]",
		inReplyTo: "thread-59.xxxxxxxxxxxxxxxxxxxx@mail.example.net", nrefs: maxRefs, sent: "2026-04-05T10:00:00Z",
		text: "Still waiting for an answer."},
	{file: "18-auto-submitted-vacation.eml", id: "CAvacation-0001@mail.gmail.com",
		from: "reza.karimi@gmail.com", name: "Reza Karimi", subject: "مرخصی (Re: Invoice for March)",
		inReplyTo: "peyk.88.cc33dd44@example.com", refs: []string{"peyk.88.cc33dd44@example.com"},
		auto: true, sent: "2026-04-06T04:30:00Z", text: "تا ۱۵ فروردین در مرخصی هستم.",
		headers: map[string]string{"Auto-Submitted": "auto-replied"}},
	{file: "19-precedence-bulk-newsletter.eml", id: "newsletter.20260407.99@shop.example.com",
		from: "news@shop.example.com", name: "Shop News", subject: "Spring sale starts today", auto: true,
		sent: "2026-04-07T07:00:00Z", text: "Spring sale\n\nEverything 20% off.\n\n- Shoes\n- Bags",
		html: []string{"<li>Shoes</li>"}},
	{file: "20-dsn-postfix.eml", id: "20260408100005.9A8B7C6D5E@mail.example.com",
		from: "MAILER-DAEMON@mail.example.com", name: "Mail Delivery System", subject: "Undelivered Mail Returned to Sender",
		refs: []string{"peyk.90.ee55ff66@example.com"}, auto: true, sent: "2026-04-08T10:00:05Z",
		text: "This is the mail system at host mail.example.com.\n\nI'm sorry to have to inform you that your message could not\n" +
			"be delivered to one or more recipients.\n\n<nobody@customer.example>: host mx.customer.example[203.0.113.5] said: 550\n" +
			"    5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown\n    (in reply to RCPT TO command)",
		update: &channels.Update{MessageID: "peyk.90.ee55ff66@example.com", Status: channels.StatusFailed,
			Error: "nobody@customer.example: 550 5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown",
			At:    time.Date(2026, 4, 8, 10, 0, 5, 0, time.UTC)}},
	{file: "21-dsn-gmail-rfc822.eml", id: "5f1e2d3c.050a0220.1a2b3c.0001.GMR@mx.google.com",
		from: "mailer-daemon@googlemail.com", name: "Mail Delivery Subsystem", subject: "Delivery Status Notification (Failure)",
		inReplyTo: "peyk.91.abcdef12@example.com", refs: []string{"peyk.91.abcdef12@example.com"}, auto: true,
		sent: "2026-04-09T12:00:00Z",
		text: "** Address not found **\n\nYour message wasn't delivered to ghost@gmail.com because the address couldn't be found, or is unable to receive mail.",
		html: []string{"<h2>Address not found</h2>"},
		atts: []att{{"Re: Refund [#1091].eml", "message/rfc822", "", 239}},
		update: &channels.Update{MessageID: "peyk.91.abcdef12@example.com", Status: channels.StatusFailed,
			Error: "ghost@gmail.com: 550-5.1.1 The email account that you tried to reach does not exist.",
			At:    time.Date(2026, 4, 9, 12, 0, 0, 0, time.UTC)}},
	{file: "22-html-script-onclick.eml", id: "xss-test-0001@evil.example",
		from: "mallory@evil.example", name: "Mallory", subject: "Click here", sent: "2026-04-10T10:00:00Z",
		text: "Hello friend\n\nInfo",
		html: []string{"<p>Hello friend</p>", `<a href="https://example.org/info" rel="nofollow">Info</a>`},
		noHTML: []string{"script", "alert", "onclick", "onload", "onmouseover", "onerror", "javascript:", "iframe",
			"<form", "<input", "<style", "display:none", "<svg"}},
	{file: "23-malformed-mime.eml", id: "truncated-0001@example.net",
		from: "broken@example.net", name: "Broken Client", subject: "Half a message", sent: "2026-04-11T10:00:00Z",
		text: "The first part is fine.",
		atts: []att{{"data.bin", "application/octet-stream", "", 33}, {"original.eml", "message/rfc822", "", -1}},
		err:  "illegal base64 data"},
	{file: "24-malformed-header.eml", id: "garbage-header-0001@legacy.example.org",
		from: "gateway@legacy.example.org", name: "Legacy Gateway", subject: "Header with garbage", sent: "2026-04-11T11:00:00Z",
		text: "The body is readable.",
		atts: []att{{"original.eml", "message/rfc822", "", -1}},
		err:  `dropped 2 malformed lines, the first "From MAILER-DAEMON`},
	{file: "25-base64-text.eml", id: "base64-text-0001@example.de",
		from: "farhad@example.de", name: "Farhad Möller", subject: "Cannot log in — ورود ناموفق", sent: "2026-04-12T11:00:00Z",
		text: "I cannot log in since the update.\nورود ناموفق است."},
	{file: "26-quoted-printable-soft-breaks.eml", id: "qp-soft-0001@jafari.example",
		from: "nasrin@jafari.example", name: "Nasrin Jafari", subject: "Long line", sent: "2026-04-13T05:30:00Z",
		text: "This is a single long line that a mail client folded with soft line breaks so that no line exceeds " +
			"seventy-six characters; 2 + 2 = 4 and café stays one word."},
	{file: "27-no-from-reply-to.eml", id: "contact-form-0001@web.example.com",
		from: "mina.akbari@example.com", name: "Mina Akbari", subject: "Contact form", sent: "2026-04-14T12:30:00Z",
		text:    "Name: Mina Akbari\nMessage: Please call me back.",
		headers: map[string]string{"Reply-To": `"Mina Akbari" <mina.akbari@example.com>`}},
	{file: "28-binary-garbage.eml", from: UnknownSender, name: "Unknown sender",
		text: unreadable, atts: []att{{"original.eml", "message/rfc822", "", -1}}, err: "malformed lines"},
	{file: "29-x-autoreply.eml", id: "ack-0001@vendor.example",
		from: "helpdesk@vendor.example", name: "Helpdesk", subject: "We received your request", auto: true,
		sent: "2026-04-15T10:00:00Z", text: "Thank you, ticket VEN-5521 was created."},
	{file: "30-multipart-no-boundary.eml", id: "no-boundary-0001@example.net",
		from: "odd@example.net", name: "Odd Mailer", subject: "No boundary", sent: "2026-04-16T10:00:00Z",
		text: "Just text, despite the content type."},
	{file: "31-unknown-charset.eml", id: "odd-charset-0001@example.com",
		from: "sina@example.com", name: "Sina Ebrahimi", subject: "Odd charset", sent: "2026-04-17T06:30:00Z",
		text: "سلام، این متن با UTF-8 نوشته شده است."},
	{file: "32-own-outbound.eml", id: "sent-from-thunderbird-0001@example.com",
		from: "sara.ahmadi@gmail.com", name: "Sara Ahmadi", out: true, subject: "Re: Refund [#1042]",
		inReplyTo: "CAJ7z9XmR4-reply2@mail.gmail.com", sent: "2026-04-18T06:30:00Z",
		text: "The refund was issued today (sent from the office mail client)."},
	{file: "33-dsn-delayed.eml", id: "delayed-0001@mail.example.com",
		from: "MAILER-DAEMON@mail.example.com", name: "Mail Delivery System", subject: "Delayed Mail (still being retried)",
		auto: true, sent: "2026-04-19T10:00:00Z",
		text: "Your message has not been delivered yet; it will be retried for 5 days."},
	{file: "34-forward-as-attachment.eml", id: "VI1P190MB0001FWD@VI1P190MB0001.EURP190.PROD.OUTLOOK.COM",
		from: "amir.sadeghi@outlook.com", name: "Amir Sadeghi", subject: "FW: Complaint from my colleague",
		sent: "2026-04-20T09:00:00Z", text: "See the attached mail.",
		atts: []att{{"شکایت از خدمات.eml", "message/rfc822", "", 288}}},
	{file: "35-calendar-invite.eml", id: "invite-0001@partner.example",
		from: "ehsan@partner.example", name: "Ehsan Yazdani", subject: "Invitation: Onboarding call",
		sent: "2026-04-21T08:00:00Z", text: "You are invited to the onboarding call on 22 April at 10:00.",
		atts: []att{{"invite.ics", "text/calendar", "", 166}}},
}

func TestParseCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(corpus) {
		t.Errorf("%d files in testdata, %d in the table", len(files), len(corpus))
	}
	for _, g := range corpus {
		t.Run(strings.TrimSuffix(g.file, ".eml"), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", g.file))
			if err != nil {
				t.Fatal(err)
			}
			in, updates, err := Parse(raw, "support@example.com")
			checkGolden(t, g, raw, in, updates, err)
		})
	}
}

func checkGolden(t *testing.T, g golden, raw []byte, in channels.Inbound, updates []channels.Update, err error) {
	t.Helper()
	switch {
	case g.err == "" && err != nil:
		t.Errorf("error %v", err)
	case g.err != "" && (err == nil || !strings.Contains(err.Error(), g.err)):
		t.Errorf("error %v, want one containing %q", err, g.err)
	}
	id := g.id
	if id == "" {
		sum := sha256.Sum256(raw)
		id = "sha256:" + hex.EncodeToString(sum[:])
	}
	dir := channels.In
	if g.out {
		dir = channels.Out
	}
	var sent time.Time
	if g.sent != "" {
		sent, _ = time.Parse(time.RFC3339, g.sent)
	}
	msgID := g.id
	if g.id == "" {
		msgID = ""
	}
	for _, c := range []struct {
		field     string
		got, want any
	}{
		{"ExternalID", baseID(in.ExternalID), id},
		{"ExternalID has a digest", baseID(in.ExternalID) != in.ExternalID, g.id != "" && !g.out},
		{"Kind", in.Kind, channels.KindEmail},
		{"Direction", in.Direction, dir},
		{"From", in.From, channels.Identity{Kind: channels.IdentityEmail, Value: g.from, Name: g.name}},
		{"Subject", in.Thread.Subject, g.subject},
		{"MessageID", in.Thread.MessageID, msgID},
		{"InReplyTo", in.Thread.InReplyTo, g.inReplyTo},
		{"ReplyToken", in.Thread.ReplyToken, g.token},
		{"AutoReply", in.AutoReply, g.auto},
		{"SentAt", in.SentAt, sent},
		{"Text", in.Text, g.text},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if g.nrefs > 0 {
		if len(in.Thread.References) != g.nrefs {
			t.Errorf("%d References, want %d", len(in.Thread.References), g.nrefs)
		}
	} else if !slices.Equal(in.Thread.References, g.refs) {
		t.Errorf("References = %q, want %q", in.Thread.References, g.refs)
	}
	for _, s := range g.html {
		if !strings.Contains(in.HTML, s) {
			t.Errorf("HTML %q lacks %q", in.HTML, s)
		}
	}
	for _, s := range g.noHTML {
		if strings.Contains(strings.ToLower(in.HTML), strings.ToLower(s)) {
			t.Errorf("HTML %q still has %q", in.HTML, s)
		}
	}
	if len(g.html) == 0 && len(g.noHTML) == 0 && in.HTML != "" {
		t.Errorf("HTML = %q, want none", in.HTML)
	}
	var gotAtts []att
	for _, a := range in.Attachments {
		size := len(a.Data)
		if a.Name == "original.eml" {
			size = -1
			if string(a.Data) != string(raw) {
				t.Error("original.eml is not the raw mail")
			}
		}
		gotAtts = append(gotAtts, att{a.Name, a.ContentType, a.ContentID, size})
	}
	if !slices.Equal(gotAtts, g.atts) {
		t.Errorf("attachments = %v, want %v", gotAtts, g.atts)
	}
	var wantUpdates []channels.Update
	if g.update != nil {
		wantUpdates = []channels.Update{*g.update}
	}
	if !slices.EqualFunc(updates, wantUpdates, func(a, b channels.Update) bool {
		return a.MessageID == b.MessageID && a.Status == b.Status && a.Error == b.Error && a.At.Equal(b.At)
	}) {
		t.Errorf("updates = %+v, want %+v", updates, wantUpdates)
	}
	for k, v := range g.headers {
		if in.Headers[k] != v {
			t.Errorf("header %s = %q, want %q", k, in.Headers[k], v)
		}
	}
}

// baseID is the Message-ID part of an ExternalID Parse made ("id#digest"),
// or the ExternalID itself when it has no digest.
func baseID(externalID string) string {
	if i := strings.LastIndexByte(externalID, '#'); i > 0 && len(externalID)-i == 33 {
		return externalID[:i]
	}
	return externalID
}
