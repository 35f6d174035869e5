package email

import (
	"slices"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// rawMail builds a small mail from header lines and a body.
func rawMail(body string, header ...string) []byte {
	return []byte(strings.Join(header, "\r\n") + "\r\n\r\n" + body)
}

func TestParseRules(t *testing.T) {
	base := []string{"From: Sara <sara@example.net>", "To: support@example.com", "Subject: Hi", "Message-ID: <m1@example.net>"}
	with := func(extra ...string) []string { return append(slices.Clone(base), extra...) }
	for _, c := range []struct {
		name  string
		raw   []byte
		check func(channels.Inbound, []channels.Update) bool
	}{
		{"token in Cc", rawMail("x", "From: a@example.net", "To: someone@example.org", "Cc: Support <Support+AbC123@Example.com>"),
			func(in channels.Inbound, _ []channels.Update) bool { return in.Thread.ReplyToken == "abc123" }},
		{"token in Delivered-To", rawMail("x", "From: a@example.net", "To: undisclosed-recipients:;", "Delivered-To: support+tok9@example.com"),
			func(in channels.Inbound, _ []channels.Update) bool { return in.Thread.ReplyToken == "tok9" }},
		{"plus address of another domain", rawMail("x", "From: a@example.net", "To: support+tok9@example.org"),
			func(in channels.Inbound, _ []channels.Update) bool { return in.Thread.ReplyToken == "" }},
		{"plus address of another mailbox", rawMail("x", "From: a@example.net", "To: sales+tok9@example.com"),
			func(in channels.Inbound, _ []channels.Update) bool { return in.Thread.ReplyToken == "" }},
		{"From unusable, Sender used", rawMail("x", "From: Sara", "Sender: Sara <sara@example.net>"),
			func(in channels.Inbound, _ []channels.Update) bool { return in.From.Value == "sara@example.net" }},
		{"From without brackets", rawMail("x", `From: "Sara Ahmadi" sara@example.net`),
			func(in channels.Inbound, _ []channels.Update) bool {
				return in.From.Value == "sara@example.net" && in.From.Name == "Sara Ahmadi"
			}},
		{"no sender at all", rawMail("x", "Subject: ?"),
			func(in channels.Inbound, _ []channels.Update) bool { return in.From.Value == UnknownSender }},
		{"Auto-Submitted: no", rawMail("x", with("Auto-Submitted: no")...),
			func(in channels.Inbound, _ []channels.Update) bool { return !in.AutoReply }},
		{"Auto-Submitted: auto-generated", rawMail("x", with("Auto-Submitted: auto-generated; type=notification")...),
			func(in channels.Inbound, _ []channels.Update) bool { return in.AutoReply }},
		{"X-Autorespond", rawMail("x", with("X-Autorespond: yes")...),
			func(in channels.Inbound, _ []channels.Update) bool { return in.AutoReply }},
		{"Precedence: list", rawMail("x", with("Precedence: list")...),
			func(in channels.Inbound, _ []channels.Update) bool { return in.AutoReply }},
		{"Precedence: first-class", rawMail("x", with("Precedence: first-class")...),
			func(in channels.Inbound, _ []channels.Update) bool { return !in.AutoReply }},
		{"X-Auto-Response-Suppress on a person's mail", rawMail("x", with("X-Auto-Response-Suppress: All")...),
			func(in channels.Inbound, _ []channels.Update) bool { return !in.AutoReply }},
		{"Persian out-of-office", rawMail("x", "From: a@example.net", "Subject: =?UTF-8?B?2b7Yp9iz2K4g2K7ZiNiv2qnYp9ix?=",
			"X-Auto-Response-Suppress: OOF"),
			func(in channels.Inbound, _ []channels.Update) bool {
				return in.AutoReply && in.Thread.Subject == "پاسخ خودکار"
			}},
		{"null Return-Path", rawMail("x", with("Return-Path: <>")...),
			func(in channels.Inbound, _ []channels.Update) bool { return in.AutoReply }},
		{"DSN delivered", dsn("delivered", "2.0.0", ""),
			func(in channels.Inbound, ups []channels.Update) bool {
				return in.AutoReply && len(ups) == 1 && ups[0].Status == channels.StatusDelivered && ups[0].MessageID == "ours@example.com"
			}},
		{"DSN without recipients", dsn("", "", ""),
			func(_ channels.Inbound, ups []channels.Update) bool {
				return len(ups) == 1 && ups[0].Status == channels.StatusFailed && strings.Contains(ups[0].Error, "no details")
			}},
		{"DSN status only", dsn("", "5.2.2", ""),
			func(_ channels.Inbound, ups []channels.Update) bool {
				return len(ups) == 1 && ups[0].Status == channels.StatusFailed && ups[0].Error == "x@example.org: status 5.2.2"
			}},
		{"read receipt", rawMail("--b\r\nContent-Type: text/plain\r\n\r\nRead.\r\n--b\r\nContent-Type: message/disposition-notification\r\n\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--b--\r\n",
			with("Content-Type: multipart/report; report-type=disposition-notification; boundary=b")...),
			func(in channels.Inbound, ups []channels.Update) bool {
				return in.AutoReply && len(ups) == 0 && in.Text == "Read."
			}},
		{"date in the future", rawMail("x", with("Date: Mon, 1 Jan 2124 10:00:00 +0000")...),
			func(in channels.Inbound, _ []channels.Update) bool { return in.SentAt.IsZero() }},
		{"unreadable date", rawMail("x", with("Date: yesterday")...),
			func(in channels.Inbound, _ []channels.Update) bool { return in.SentAt.IsZero() }},
		{"unlabeled 8-bit windows-1256 text with a charset hint in the subject",
			rawMail("\xd3\xe1\xc7\xe3", "From: a@example.net", "Subject: =?windows-1256?B?0+HH4w==?="),
			func(in channels.Inbound, _ []channels.Update) bool {
				return in.Text == "سلام" && in.Thread.Subject == "سلام"
			}},
		{"unlabeled 8-bit text without a hint", rawMail("caf\xe9", "From: a@example.net"),
			func(in channels.Inbound, _ []channels.Update) bool { return in.Text == "café" }},
		{"raw UTF-8 header", rawMail("x", "From: سارا <sara@example.net>", "Subject: سلام"),
			func(in channels.Inbound, _ []channels.Update) bool {
				return in.From.Name == "سارا" && in.Thread.Subject == "سلام"
			}},
		{"Message-ID without brackets", rawMail("x", "From: a@example.net", "Message-ID: abc@example.net"),
			func(in channels.Inbound, _ []channels.Update) bool { return baseID(in.ExternalID) == "abc@example.net" }},
		{"Message-ID with spaces is not used", rawMail("x", "From: a@example.net", "Message-ID: <a b@example.net>"),
			func(in channels.Inbound, _ []channels.Update) bool {
				return strings.HasPrefix(in.ExternalID, "sha256:")
			}},
		{"broken Content-Type quote", rawMail("<p>hi</p>", "From: a@example.net", `Content-Type: text/html; charset="utf-8`),
			func(in channels.Inbound, _ []channels.Update) bool { return in.Text == "hi" && in.HTML == "<p>hi</p>" }},
		{"text/plain attachment by name", rawMail("--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n--b\r\nContent-Type: text/plain; name=notes.txt\r\n\r\nnotes\r\n--b--\r\n",
			"From: a@example.net", "Content-Type: multipart/mixed; boundary=b"),
			func(in channels.Inbound, _ []channels.Update) bool {
				return in.Text == "body" && len(in.Attachments) == 1 && in.Attachments[0].Name == "notes.txt"
			}},
		{"mail from ourselves to nobody else", rawMail("x", "From: support@example.com", "To: support@example.com"),
			func(in channels.Inbound, _ []channels.Update) bool { return in.Direction == channels.In }},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, ups, err := Parse(c.raw, "support@example.com")
			if err != nil && !strings.Contains(c.name, "broken") {
				t.Logf("error: %v", err)
			}
			if !c.check(in, ups) {
				t.Errorf("Parse gave %+v, updates %+v, error %v", in, ups, err)
			}
		})
	}
}

// dsn is a delivery-status report about ours@example.com with one
// recipient block (none when action and status are empty).
func dsn(action, status, diag string) []byte {
	rcpt := ""
	if action != "" || status != "" {
		rcpt = "\r\nFinal-Recipient: rfc822; x@example.org\r\n"
		if action != "" {
			rcpt += "Action: " + action + "\r\n"
		}
		if status != "" {
			rcpt += "Status: " + status + "\r\n"
		}
		if diag != "" {
			rcpt += "Diagnostic-Code: smtp; " + diag + "\r\n"
		}
	}
	return rawMail("--b\r\nContent-Type: text/plain\r\n\r\nReport.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n"+
		"Reporting-MTA: dns; mx.example.org\r\n"+rcpt+
		"\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <ours@example.com>\r\n\r\n--b--\r\n",
		"From: postmaster@example.org", "To: support@example.com",
		"Content-Type: multipart/report; report-type=delivery-status; boundary=b")
}

func TestHTMLToText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"<p>a</p><p>b</p>", "a\n\nb"},
		{"<div>a</div><div>b<br>c</div>", "a\nb\nc"},
		{"a &amp; b &lt;tag&gt; &#8211; &nbsp;c", "a & b <tag> – c"},
		{"<ul><li>x</li><li>y</li></ul>after", "- x\n- y\n\nafter"},
		{"<table><tr><td>1</td><td>2</td></tr></table>", "1 2"},
		{"<style>p{}</style><script>x()</script>text", "text"},
		{"  spaced \n\n  out  ", "spaced out"},
		{"<p dir=rtl>سلام\u200cها</p>", "سلام\u200cها"},
	} {
		if got := htmlToText(c.in); got != c.want {
			t.Errorf("htmlToText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMsgIDs(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"<a@b>", []string{"a@b"}},
		{"<a@b> <c@d>\r\n <a@b>", []string{"a@b", "c@d"}},
		{"<a@b> (Sara's message of Monday)", []string{"a@b"}},
		{"a@b, c@d", []string{"a@b", "c@d"}},
		{"<a@b@c>", []string{"a@b@c"}},
		{"<no-at>", []string{"no-at"}},
		{"< >", nil},
		{"", nil},
	} {
		if got := msgIDs(c.in); !slices.Equal(got, c.want) {
			t.Errorf("msgIDs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
