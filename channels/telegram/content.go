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

// fileRef is a file a message carries, before download.
type fileRef struct {
	id, name, contentType string
}

// msgContent is what a message says: its text, the files it carries, and
// the sender's own phone number when they shared it.
type msgContent struct {
	text  string
	phone string
	files []fileRef
}

// content reads what m says, and reports whether it says anything Peyk
// shows.
func content(m *tgbotapi.Message) (msgContent, bool) {
	c := msgContent{text: m.Text}
	if c.text == "" {
		c.text = m.Caption
	}
	file := func(id, name, def, typ, defType string) {
		if name == "" {
			name = def
		}
		if typ == "" {
			typ = defType
		}
		c.files = append(c.files, fileRef{id: id, name: name, contentType: typ})
	}
	switch {
	case len(m.Photo) > 0:
		file(largest(m.Photo).FileID, "", "photo.jpg", "", "image/jpeg")
	case m.Animation != nil: // also sent as a document; the animation is more precise
		file(m.Animation.FileID, m.Animation.FileName, "animation.mp4", m.Animation.MimeType, "video/mp4")
	case m.Document != nil:
		file(m.Document.FileID, m.Document.FileName, "document", m.Document.MimeType, "application/octet-stream")
	case m.Voice != nil:
		file(m.Voice.FileID, "", "voice.ogg", m.Voice.MimeType, "audio/ogg")
	case m.Audio != nil:
		file(m.Audio.FileID, m.Audio.FileName, "audio.mp3", m.Audio.MimeType, "audio/mpeg")
	case m.Video != nil:
		file(m.Video.FileID, m.Video.FileName, "video.mp4", m.Video.MimeType, "video/mp4")
	case m.VideoNote != nil:
		file(m.VideoNote.FileID, "", "video-note.mp4", "", "video/mp4")
	case m.Venue != nil:
		c.text = locationText(&m.Venue.Location)
		if place := joinNonEmpty(", ", m.Venue.Title, m.Venue.Address); place != "" {
			c.text = "📍 " + place + "\n" + c.text
		}
	case m.Location != nil:
		c.text = locationText(m.Location)
	case m.Contact != nil:
		c.text, c.phone = contactText(m.Contact, m.From.ID)
	case m.Sticker != nil:
		c.text = strings.TrimSpace("[sticker] " + m.Sticker.Emoji)
	}
	return c, c.text != "" || len(c.files) > 0
}

// largest returns the photo size with the most pixels (Telegram lists
// them smallest first).
func largest(sizes []tgbotapi.PhotoSize) tgbotapi.PhotoSize {
	best := sizes[len(sizes)-1]
	for _, p := range sizes {
		if p.Width*p.Height > best.Width*best.Height {
			best = p
		}
	}
	return best
}

// locationText shows a point as "📍 35.6892, 51.3890" and a geo: URI
// (RFC 5870) with the full precision, which the agent UI can link to a
// map.
func locationText(l *tgbotapi.Location) string {
	return fmt.Sprintf("📍 %.4f, %.4f\ngeo:%s,%s", l.Latitude, l.Longitude,
		strconv.FormatFloat(l.Latitude, 'f', -1, 64), strconv.FormatFloat(l.Longitude, 'f', -1, 64))
}

// contactText shows a shared contact. When the contact is the sender
// (user_id equals theirs) it also returns the phone number, which proves
// the Telegram user owns it; anyone else's contact is only text.
func contactText(c *tgbotapi.Contact, sender int64) (text, phone string) {
	number := intlPhone(c.PhoneNumber)
	if c.UserID != 0 && c.UserID == sender && number != "" {
		return "📞 " + number, number
	}
	name := strings.TrimSpace(c.FirstName + " " + c.LastName)
	return "👤 " + joinNonEmpty(": ", name, number), ""
}

// intlPhone adds the "+" Telegram leaves out of international numbers
// ("989121234567" is "+989121234567"). Numbers with a "+" or a leading 0
// are left alone.
func intlPhone(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || s[0] == '+' || s[0] == '0' {
		return s
	}
	if strings.Trim(s, "0123456789") == "" {
		return "+" + s
	}
	return s
}

// fetch downloads refs into in's attachments. A file that can never be
// had is kept without content and noted in the Telegram-File-Error header.
func fetch(ctx context.Context, in *channels.Inbound, refs []fileRef, files Files) error {
	for _, f := range refs {
		a := channels.Attachment{Name: f.name, ContentType: f.contentType}
		if files != nil && f.id != "" {
			data, err := files.Download(ctx, f.id)
			switch {
			case err == nil:
				a.Data = data
			case errors.Is(err, channels.ErrPermanent):
				if in.Headers == nil {
					in.Headers = map[string]string{}
				}
				in.Headers["Telegram-File-Error"] = f.name + ": " + err.Error()
			default:
				return fmt.Errorf("telegram: message %s: %w", in.ExternalID, err)
			}
		}
		in.Attachments = append(in.Attachments, a)
	}
	return nil
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
