package telegram

import (
	"context"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/peykhq/peyk/channels"
)

// Event is what one Bot API update means for the inbox: a new message
// (Inbound), an edit of a message (Update), or nothing (Ignored says why).
type Event struct {
	// UpdateID is the update's update_id.
	UpdateID int
	// Inbound is set for a new message.
	Inbound *channels.Inbound
	// Update is set for an edited message.
	Update *channels.Update
	// Ignored is why the update carries nothing for the inbox ("not a
	// private chat", "no supported content"); empty when Inbound or Update
	// is set.
	Ignored string
}

// Convert turns u, received by the bot of channel channelID, into an
// Event. A message becomes an Inbound whose ExternalID is
// "<chat id>:<message id>", from the Telegram user (their numeric id, and
// their first and last name); an edited message becomes an Update with the
// new text. Only messages in private chats are converted; group,
// supergroup and channel messages, messages from bots and other update
// kinds are ignored.
//
// Attachments are downloaded with files; with nil files they carry only a
// name and type. A file that can never be downloaded (too large) is kept
// without content and named in the "Telegram-File-Error" header; any other
// download error is returned, and the update should be retried.
func Convert(ctx context.Context, channelID int64, u tgbotapi.Update, files Files) (Event, error) {
	return ConvertAs(ctx, channelID, channels.IdentityTelegram, u, files)
}

// ConvertAs is Convert for a service that follows Telegram's Bot API with
// user ids of its own (Bale): senders are identities of kind.
func ConvertAs(ctx context.Context, channelID int64, kind channels.IdentityKind, u tgbotapi.Update, files Files) (Event, error) {
	ev := Event{UpdateID: u.UpdateID}
	switch {
	case u.Message != nil:
		if ev.Ignored = check(u.Message); ev.Ignored != "" {
			return ev, nil
		}
		in, err := inbound(ctx, channelID, kind, u.Message, files)
		if err != nil {
			return ev, err
		}
		if in == nil {
			ev.Ignored = "no supported content"
			return ev, nil
		}
		ev.Inbound = in
	case u.EditedMessage != nil:
		m := u.EditedMessage
		if ev.Ignored = check(m); ev.Ignored != "" {
			return ev, nil
		}
		text := m.Text
		if text == "" {
			text = m.Caption
		}
		if m.Location != nil {
			text = locationText(m.Location)
		}
		ev.Update = &channels.Update{ChannelID: channelID, ExternalID: externalID(m.Chat.ID, m.MessageID),
			Text: text, Edited: true, At: unixTime(m.EditDate)}
	default:
		ev.Ignored = "not a new or edited message"
	}
	return ev, nil
}

// check returns why m cannot be taken, or "".
func check(m *tgbotapi.Message) string {
	switch {
	case m.Chat == nil:
		return "no chat"
	case m.Chat.Type != "private":
		return "not a private chat (" + m.Chat.Type + ")"
	case m.From == nil || m.From.ID <= 0:
		return "no sender"
	case m.From.IsBot:
		return "sent by a bot"
	case m.Chat.ID <= 0 || m.MessageID <= 0:
		return "no chat or message id"
	}
	return ""
}

// inbound converts a private message, or returns nil when it holds
// nothing Peyk shows (a service message such as a pinned message).
func inbound(ctx context.Context, channelID int64, kind channels.IdentityKind, m *tgbotapi.Message, files Files) (*channels.Inbound, error) {
	c, ok := content(m)
	if !ok {
		return nil, nil
	}
	in := &channels.Inbound{
		ChannelID:  channelID,
		ExternalID: externalID(m.Chat.ID, m.MessageID),
		Direction:  channels.In,
		Kind:       channels.KindText,
		From: channels.Identity{Kind: kind,
			Value: strconv.FormatInt(m.From.ID, 10), Name: userName(m.From)},
		Text:   c.text,
		SentAt: unixTime(m.Date),
	}
	if c.phone != "" {
		in.Also = []channels.Identity{{Kind: channels.IdentityPhone, Value: c.phone, Name: in.From.Name}}
	}
	if r := m.ReplyToMessage; r != nil && r.MessageID > 0 {
		in.Thread.InReplyTo = externalID(m.Chat.ID, r.MessageID)
	}
	if err := fetch(ctx, in, c.files, files); err != nil {
		return nil, err
	}
	return in, nil
}

// externalID is the id of a message in the inbox: "<chat id>:<message id>".
func externalID(chat int64, msg int) string {
	return strconv.FormatInt(chat, 10) + ":" + strconv.Itoa(msg)
}

// userName is a user's display name: first and last name, else @username.
func userName(u *tgbotapi.User) string {
	if n := strings.TrimSpace(u.FirstName + " " + u.LastName); n != "" {
		return n
	}
	if u.UserName != "" {
		return "@" + u.UserName
	}
	return ""
}

// unixTime reads a Bot API date. Dates before 2001 or more than a day
// ahead are not believed: the zero time (which the inbox reads as now) is
// returned instead.
func unixTime(sec int) time.Time {
	if sec < 1_000_000_000 || int64(sec) > time.Now().Add(24*time.Hour).Unix() {
		return time.Time{}
	}
	return time.Unix(int64(sec), 0).UTC()
}
