package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/peykhq/peyk/channels"
)

// Telegram's length limits, in UTF-16 code units.
const (
	maxText    = 4096
	maxCaption = 1024
)

// Send delivers m to the Telegram user m.To names (their user id is their
// private chat's id). The text goes by sendMessage, split at 4096
// characters; image attachments go by sendPhoto (as a document when
// Telegram refuses them as a photo), other files by sendDocument. A single
// attachment carries the text as its caption when it fits; otherwise the
// text comes first, then the files. The first message answers
// m.Thread.InReplyTo ("<chat id>:<message id>") when set, and is sent even
// if that message is gone.
//
// The result's ExternalID is "<chat id>:<message id>" of the first message
// sent. Telegram's 429 gives a *channels.RetryAfterError; a refusal that
// retrying cannot fix (chat not found, bot blocked by the user, bad
// recipient) wraps channels.ErrPermanent. Telegram has no idempotency key:
// a send retried after a partial failure may repeat the parts that went
// out.
func (b *Bot) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	chat, err := chatID(m.To, b.cfg.identity())
	if err != nil {
		return channels.SendResult{}, err
	}
	text, caption := m.Text, ""
	if len(m.Attachments) == 1 && utf16Len(text) <= maxCaption {
		text, caption = "", m.Text
	}
	parts := splitText(text, maxText)
	if len(parts) == 0 && len(m.Attachments) == 0 {
		return channels.SendResult{}, fmt.Errorf("telegram: message %d has no text and no files: %w: %w",
			m.MessageID, channels.ErrInvalid, channels.ErrPermanent)
	}
	s := &sending{bot: b, ctx: ctx, chat: chat, reply: replyTo(m.Thread.InReplyTo, chat)}
	for _, p := range parts {
		msg := tgbotapi.NewMessage(chat, p)
		if err := s.send("sendMessage", &msg.BaseChat, &msg); err != nil {
			return channels.SendResult{}, err
		}
	}
	for _, a := range m.Attachments {
		if err := s.file(a, caption); err != nil {
			return channels.SendResult{}, err
		}
	}
	return channels.SendResult{ExternalID: s.first}, nil
}

// sending is one Send in progress: the first message answers reply, and
// the first message sent names the result.
type sending struct {
	bot   *Bot
	ctx   context.Context
	chat  int64
	reply int
	first string
}

// send sends c (a pointer to a config whose BaseChat is base), answering
// the pending reply.
func (s *sending) send(method string, base *tgbotapi.BaseChat, c tgbotapi.Chattable) error {
	if s.reply != 0 {
		base.ReplyToMessageID = s.reply
		base.AllowSendingWithoutReply = true
	}
	api, d := s.bot.call(s.ctx)
	msg, err := api.Send(c)
	if err != nil {
		return &sendError{status: d.status, err: classify(method, err, d.status)}
	}
	s.reply = 0
	if s.first == "" {
		s.first = externalID(s.chat, msg.MessageID)
	}
	return nil
}

// file sends one attachment with caption.
func (s *sending) file(a channels.Attachment, caption string) error {
	data, err := fileData(a)
	if err != nil {
		return err
	}
	if isPhoto(a.ContentType) {
		p := tgbotapi.NewPhoto(s.chat, data)
		p.Caption = caption
		err := s.send("sendPhoto", &p.BaseChat, &p)
		if err == nil || !refusedPhoto(err) {
			return err
		}
	}
	doc := tgbotapi.NewDocument(s.chat, data)
	doc.Caption = caption
	return s.send("sendDocument", &doc.BaseChat, &doc)
}

// refusedPhoto reports whether err is Telegram refusing a file as a
// photo (too large, odd dimensions, an unknown format) rather than the
// message: such a file can still go as a document.
func refusedPhoto(err error) bool {
	var se *sendError
	if !errors.As(err, &se) {
		return false
	}
	return se.status == 413 || se.status == 400 && !strings.Contains(strings.ToLower(err.Error()), "chat")
}

// sendError is a classified send failure with the HTTP status seen.
type sendError struct {
	status int
	err    error
}

func (e *sendError) Error() string { return e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

// fileData is what the SDK uploads for a: its bytes, else its URL (which
// Telegram fetches itself).
func fileData(a channels.Attachment) (tgbotapi.RequestFileData, error) {
	switch {
	case len(a.Data) > 0:
		name := a.Name
		if name == "" {
			name = "file"
		}
		return tgbotapi.FileBytes{Name: name, Bytes: a.Data}, nil
	case strings.HasPrefix(a.URL, "https://") || strings.HasPrefix(a.URL, "http://"):
		return tgbotapi.FileURL(a.URL), nil
	}
	return nil, fmt.Errorf("telegram: attachment %q has neither content nor an http URL: %w: %w",
		a.Name, channels.ErrInvalid, channels.ErrPermanent)
}

// isPhoto reports whether a file of type ct goes by sendPhoto: images
// other than GIF (which would lose its animation) and SVG.
func isPhoto(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(ct))
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = strings.TrimSpace(ct[:i])
	}
	return strings.HasPrefix(ct, "image/") && ct != "image/gif" && ct != "image/svg+xml"
}

// chatID reads the private chat id of a recipient of identity kind.
func chatID(to channels.Identity, kind channels.IdentityKind) (int64, error) {
	v := strings.TrimSpace(to.Value)
	if len(v) >= 3 && strings.EqualFold(v[:3], "tg:") {
		v = v[3:]
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if (to.Kind != kind && to.Kind != "") || err != nil || id <= 0 {
		return 0, fmt.Errorf("telegram: recipient %s %q is not a %s user id: %w: %w",
			to.Kind, to.Value, kind, channels.ErrInvalid, channels.ErrPermanent)
	}
	return id, nil
}

// replyTo reads the message id out of "<chat id>:<message id>" (or a bare
// message id); it returns 0 when ref names no message of chat.
func replyTo(ref string, chat int64) int {
	c, msg, ok := strings.Cut(strings.TrimSpace(ref), ":")
	if !ok {
		msg = c
	} else if c != strconv.FormatInt(chat, 10) {
		return 0
	}
	id, err := strconv.Atoi(msg)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}
