package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"

	"github.com/peykhq/peyk/channels"
)

// UnknownSender is the identity given to a mail whose From, Reply-To,
// Sender and Return-Path hold no usable address, so that it can still be
// stored and seen.
const UnknownSender = "unknown-sender@invalid"

// unreadable is the text of a mail that could not be read.
const unreadable = "This email could not be read completely; the original is attached as original.eml.\n" +
	"این ایمیل کامل خوانده نشد؛ اصل آن با نام original.eml پیوست است."

// emptyMail is the text of a mail that has no content at all (some servers
// return an empty body for a message they cannot parse themselves).
const emptyMail = "The mail server returned this email empty; there is nothing to show.\n" +
	"سرور ایمیل این پیام را خالی برگرداند؛ چیزی برای نمایش نیست."

// tooLarge is the text of a mail too large to import.
const tooLarge = "This email is too large to import; only its header was read. Open it in the mailbox to see it.\n" +
	"این ایمیل برای وارد شدن بیش از حد بزرگ است و فقط سرآیند آن خوانده شد؛ برای دیدن آن به صندوق پست مراجعه کنید."

// Parse reads one raw mail (RFC 5322, as IMAP BODY[] returns it) into an
// Inbound of kind email. own is the channel's address (Config.From): mail
// to own plus-addressed (support+TOKEN@example.com) in To, Cc or
// Delivered-To carries TOKEN as Thread.ReplyToken, and mail from own is an
// outbound message (Direction Out, From the first other recipient).
// ChannelID is left zero, for the caller to set.
//
// A delivery-status report also yields an Update for the message it
// reports on (found by Message-ID): failed with the diagnostic, or
// delivered. Bounces and auto-replies are marked AutoReply.
//
// Parse never loses a mail. When part of it cannot be read (a broken
// header, bad base64, a truncated multipart) it returns what could be read
// together with the raw mail attached as "original.eml" (message/rfc822),
// the text replaced by a note when none was read, and a non-nil error
// saying what failed (text whose charset could not be decoded cleanly
// counts). The Inbound can be ingested either way: ExternalID is the
// Message-ID and a digest of the content ("id#digest", see rawID and
// contentSum; the bare Message-ID for our own side's mail), or "sha256:" and the hex
// digest of raw when there is none, and From is always a usable address
// (UnknownSender at worst).
func Parse(raw []byte, own string) (channels.Inbound, []channels.Update, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		in := unreadableInbound(raw, errors.New("empty mail"))
		in.Text, in.Attachments = emptyMail, nil
		return in, nil, errors.New("email: the mail is empty")
	}
	head, rest := splitHeader(raw)
	h, herr := readHeader(head)
	var b body
	if herr != nil {
		b.fail(herr)
	} else if h.Len() == 0 {
		b.fail(errors.New("header: no fields"))
	}
	if m := wordCharset.FindStringSubmatch(h.Get("Subject")); m != nil && !isUTF8Label(normCharset(m[1])) {
		b.hint = normCharset(m[1])
	}
	b.walk(h, bytes.NewReader(rest), 0, "")

	subject := strings.TrimSpace(decodeWords(h.Get("Subject"), b.hint))
	in := channels.Inbound{
		ExternalID: rawID(h, raw),
		Kind:       channels.KindEmail,
		Thread: channels.Thread{
			Subject:    subject,
			References: trimRefs(msgIDs(h.Get("References"))),
		},
		SentAt:  sentAt(h.Get("Date")),
		Headers: keptHeaders(h, b.hint),
	}
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		in.Thread.MessageID = ids[0]
	}
	if ids := msgIDs(h.Get("In-Reply-To")); len(ids) > 0 {
		in.Thread.InReplyTo = ids[0]
	}
	in.Thread.ReplyToken = replyToken(h, own, b.hint)
	in.From, in.Direction = sender(h, own, b.hint)
	in.Text, in.HTML = bodyText(&b)
	in.Attachments = b.atts
	in.AutoReply = autoReply(h, subject, in.From.Value, b.report != nil) != ""
	if in.Thread.MessageID != "" && in.Direction != channels.Out {
		in.ExternalID = in.Thread.MessageID + "#" + bodySum(rest)
		in.Aliases = []string{in.Thread.MessageID + "#" + contentSum(in)}
	}

	var updates []channels.Update
	if b.report != nil {
		fallback := in.Thread.InReplyTo
		if fallback == "" && len(in.Thread.References) > 0 {
			fallback = in.Thread.References[len(in.Thread.References)-1]
		}
		if u, ok := b.report.update(fallback); ok {
			u.At = in.SentAt
			updates = append(updates, u)
			if in.Thread.InReplyTo == "" && !slices.Contains(in.Thread.References, u.MessageID) {
				// File the bounce with the mail it is about.
				in.Thread.References = append(in.Thread.References, u.MessageID)
			}
		}
	}
	if len(b.errs) == 0 {
		return in, updates, nil
	}
	in.Attachments = append(in.Attachments, channels.Attachment{
		Name: "original.eml", ContentType: "message/rfc822", Data: raw,
	})
	if strings.TrimSpace(in.Text) == "" {
		in.Text = unreadable
	}
	return in, updates, fmt.Errorf("email: mail %s: %w", in.ExternalID, parseErrors(b.errs))
}

// parseErrors are the problems found in one mail, on one line.
type parseErrors []error

func (e parseErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e parseErrors) Unwrap() []error { return e }

// rawID is the ExternalID of a mail without a Message-ID, or of our own
// side's (Direction Out): the bare Message-ID, as the sender stored it;
// "sha256:" and the digest of raw when there is none. Other mail is known
// by its Message-ID, "#" and its contentSum: the same mail fetched twice
// (after a UIDVALIDITY change, or delivered twice along two routes, or
// re-encoded by a relay) is stored once, and two different mails that
// share a Message-ID (a broken mailer) are both kept.
func rawID(h textproto.Header, raw []byte) string {
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		return ids[0]
	}
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// bodySum is a digest of a mail's raw body, the bytes after its header
// block, with CRLF line ends read as LF and trailing white space left
// out: the same mail fetched again, or delivered along another route
// (which adds Received and Delivered-To headers), has the same, however
// a later release parses it. It is 32 hex digits.
func bodySum(body []byte) string {
	body = bytes.TrimRight(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), " \t\r\n")
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:16])
}

// contentSum is a digest of what a mail says, as parsed: its sender,
// subject, text, HTML and attachments (name, type and content). Headers a
// copy gains or loses on its way (Received, Delivered-To), its Date and
// its MIME encoding are left out. It is 32 hex digits. It made the
// external id of inbound mail before bodySum did, and is kept as an alias
// (channels.Inbound.Aliases) so that mail stored then is known again.
func contentSum(in channels.Inbound) string {
	d := sha256.New()
	fmt.Fprintf(d, "%s\x00%s\x00%s\x00%s\x00", strings.ToLower(in.From.Value), in.Thread.Subject, in.Text, in.HTML)
	for _, a := range in.Attachments {
		sum := sha256.Sum256(a.Data)
		fmt.Fprintf(d, "%s\x00%s\x00%x\x00", a.Name, a.ContentType, sum)
	}
	return hex.EncodeToString(d.Sum(nil)[:16])
}

// sentAt parses the Date header; a missing or unreadable date, or one
// before 1980 or more than a day ahead, is zero (the inbox uses now).
func sentAt(v string) time.Time {
	t, err := mail.ParseDate(strings.TrimSpace(v))
	if err != nil || t.Year() < 1980 || t.After(time.Now().Add(24*time.Hour)) {
		return time.Time{}
	}
	return t.UTC()
}

// sender picks the customer's identity: From, else Reply-To, Sender or
// Return-Path, else UnknownSender. A mail from own is our side writing
// from another mail client: it is outbound and the customer is its first
// recipient that is not own.
func sender(h textproto.Header, own, hint string) (channels.Identity, channels.Direction) {
	id := channels.Identity{Kind: channels.IdentityEmail, Value: UnknownSender, Name: "Unknown sender"}
	for _, k := range []string{"From", "Reply-To", "Sender", "Return-Path"} {
		if as := addresses(h, k, hint); len(as) > 0 {
			id.Value, id.Name = as[0].Addr, as[0].Name
			break
		}
	}
	if !isOwn(id.Value, own) {
		return id, channels.In
	}
	for _, k := range []string{"To", "Cc"} {
		for _, a := range addresses(h, k, hint) {
			if !isOwn(a.Addr, own) {
				return channels.Identity{Kind: channels.IdentityEmail, Value: a.Addr, Name: a.Name}, channels.Out
			}
		}
	}
	return id, channels.In
}

// replyToken finds own plus-addressed among the recipients.
func replyToken(h textproto.Header, own, hint string) string {
	if own == "" {
		return ""
	}
	for _, k := range []string{"To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"} {
		for _, a := range addresses(h, k, hint) {
			if t := plusToken(a.Addr, own); t != "" {
				return t
			}
		}
	}
	return ""
}

// bodyText joins the text and HTML parts. The HTML is sanitized; the text
// is derived from it when the mail has no text part; a report without
// either gets a summary of its recipients' fates.
func bodyText(b *body) (text, html string) {
	var texts []string
	for _, t := range b.texts {
		t = strings.ReplaceAll(strings.ReplaceAll(t, "\r\n", "\n"), "\r", "\n")
		if t = strings.TrimSpace(t); t != "" {
			texts = append(texts, t)
		}
	}
	text = strings.Join(texts, "\n\n")
	if len(b.htmls) > 0 {
		html = sanitizeHTML(strings.Join(b.htmls, "\n"))
	}
	if text == "" && html != "" {
		text = htmlToText(html)
	}
	if text == "" {
		text = b.report.summary()
	}
	return validUTF8(text), validUTF8(html)
}

func validUTF8(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ReplaceAll(s, "\x00", "")
}

// keptHeaders are the raw headers kept for display and debugging.
func keptHeaders(h textproto.Header, hint string) map[string]string {
	out := make(map[string]string)
	for _, k := range []string{"Message-Id", "Date", "To", "Cc", "Reply-To", "Auto-Submitted"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" {
			name := k
			if k == "Message-Id" {
				name = "Message-ID"
			}
			out[name] = validUTF8(decodeWords(v, hint))
		}
	}
	return out
}
