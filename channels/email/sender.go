package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/peykhq/peyk/channels"
)

// Sender delivers agent replies through the channel's SMTP server.
type Sender struct {
	cfg Config
	sec Secrets

	// tlsConfig is settable by this package's tests.
	tlsConfig *tls.Config
}

var _ channels.Sender = (*Sender)(nil)

// NewSender returns a Sender for the channel configured by cfg, which
// should have passed Validate.
func NewSender(cfg Config, sec Secrets) *Sender {
	return &Sender{cfg: cfg.WithDefaults(), sec: sec}
}

// Send delivers m to m.To.Value from the channel's address. The mail
// carries m.Thread.MessageID as its Message-ID (one is made up when it is
// empty), In-Reply-To and References from m.Thread (References ending with
// In-Reply-To), a Reply-To plus-addressed with m.Thread.ReplyToken when
// the channel's ReplyToken is on, the subject with «Re: » in front unless
// it has a reply prefix and with the conversation's «[#ref]» (m.Ref)
// unless it has it already, the text with m.HTML as its HTML alternative,
// and m.Attachments (inline when they have a ContentID).
//
// The result's ExternalID is the Message-ID, without brackets. A 5xx SMTP
// reply, or a message that cannot be built (a bad recipient address), is
// an error wrapping channels.ErrPermanent; a 4xx reply or a network error
// is a plain error, worth retrying.
func (s *Sender) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	msg, id, err := s.message(m)
	if err != nil {
		return channels.SendResult{}, fmt.Errorf("email: message %d: %w: %w", m.MessageID, err, channels.ErrPermanent)
	}
	client, err := s.client()
	if err != nil {
		return channels.SendResult{}, fmt.Errorf("email: smtp client: %w: %w", err, channels.ErrPermanent)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if permanent(err) {
			return channels.SendResult{}, fmt.Errorf("email: send message %d: %w: %w", m.MessageID, err, channels.ErrPermanent)
		}
		return channels.SendResult{}, fmt.Errorf("email: send message %d: %w", m.MessageID, err)
	}
	return channels.SendResult{ExternalID: id}, nil
}

// message builds the mail for m and returns it with its Message-ID.
func (s *Sender) message(m channels.Outbound) (*gomail.Msg, string, error) {
	msg := gomail.NewMsg()
	from := mail.Address{Name: s.cfg.FromName, Address: s.cfg.From}
	if err := msg.From(from.String()); err != nil {
		return nil, "", fmt.Errorf("from %q: %w", s.cfg.From, err)
	}
	to := mail.Address{Name: m.To.Name, Address: strings.TrimSpace(m.To.Value)}
	if !usableAddress(to.Address) {
		return nil, "", fmt.Errorf("recipient %q is not an email address", m.To.Value)
	}
	if err := msg.To(to.String()); err != nil {
		return nil, "", fmt.Errorf("recipient %q: %w", m.To.Value, err)
	}
	if tok := m.Thread.ReplyToken; tok != "" && s.cfg.ReplyToken {
		rt := mail.Address{Name: s.cfg.FromName, Address: plusAddress(s.cfg.From, tok)}
		if err := msg.ReplyTo(rt.String()); err != nil {
			return nil, "", fmt.Errorf("reply-to token %q: %w", tok, err)
		}
	}
	id := strings.Trim(strings.TrimSpace(m.Thread.MessageID), "<>")
	if id == "" {
		id = channels.NewMessageID(s.cfg.From)
	}
	msg.SetMessageIDWithValue(id)
	if irt := strings.Trim(strings.TrimSpace(m.Thread.InReplyTo), "<>"); irt != "" {
		msg.SetGenHeader(gomail.HeaderInReplyTo, "<"+irt+">")
	}
	if refs := references(m.Thread); len(refs) > 0 {
		msg.SetGenHeader(gomail.HeaderReferences, "<"+strings.Join(refs, "> <")+">")
	}
	msg.Subject(replySubject(m.Subject, m.Ref))
	msg.SetDate()
	msg.SetUserAgent("Peyk")
	text := m.Text
	if text == "" && m.HTML != "" {
		text = htmlToText(m.HTML)
	}
	msg.SetBodyString(gomail.TypeTextPlain, text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if err := attach(msg, a); err != nil {
			return nil, "", err
		}
	}
	return msg, id, nil
}

// references is the References of a reply: the thread's references and
// then the message replied to, without brackets or repeats, trimmed to the
// root and the most recent ones.
func references(th channels.Thread) []string {
	var all []string
	for _, r := range append(th.References, th.InReplyTo) {
		all = append(all, msgIDs("<"+strings.Trim(strings.TrimSpace(r), "<>")+">")...)
	}
	return trimRefs(msgIDs("<" + strings.Join(all, "> <") + ">"))
}

func attach(msg *gomail.Msg, a channels.Attachment) error {
	if len(a.Data) == 0 {
		return fmt.Errorf("attachment %q has no data", a.Name)
	}
	name := a.Name
	if name == "" {
		name = "attachment" + extension(a.ContentType)
	}
	opts := []gomail.FileOption{}
	if a.ContentType != "" {
		opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
	}
	if a.ContentID != "" {
		opts = append(opts, gomail.WithFileContentID("<"+strings.Trim(a.ContentID, "<>")+">"))
		return msg.EmbedReader(name, bytes.NewReader(a.Data), opts...)
	}
	return msg.AttachReader(name, bytes.NewReader(a.Data), opts...)
}
