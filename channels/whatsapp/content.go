package whatsapp

import (
	"fmt"
	"strconv"
	"strings"
)

// msgContent is what a message says: its text, the file it carries, a few
// headers worth keeping, and a customer's new number (a "user changed
// number" system message).
type msgContent struct {
	text      string
	media     *media
	fileName  string
	headers   map[string]string
	newNumber string
}

// content reads what m says. Every type gives some text or a file: a type
// Peyk does not know is stored as a note of what arrived.
func content(m message) msgContent {
	var c msgContent
	header := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			if c.headers == nil {
				c.headers = map[string]string{}
			}
			c.headers[k] = v
		}
	}
	file := func(md *media, kind, def string) {
		c.media, c.text = md, md.Caption
		c.fileName = md.Filename
		if c.fileName == "" {
			c.fileName = kind + extension(md.MimeType, def)
		}
	}
	switch {
	case m.Type == "text" && m.Text != nil:
		c.text = m.Text.Body
	case m.Type == "image" && m.Image != nil:
		file(m.Image, "image", ".jpg")
	case m.Type == "video" && m.Video != nil:
		file(m.Video, "video", ".mp4")
	case m.Type == "audio" && m.Audio != nil:
		kind := "audio"
		if m.Audio.Voice {
			kind = "voice"
		}
		file(m.Audio, kind, ".ogg")
	case m.Type == "document" && m.Document != nil:
		file(m.Document, "document", "")
	case m.Type == "sticker" && m.Sticker != nil:
		file(m.Sticker, "sticker", ".webp")
		c.text = "[sticker]"
	case m.Type == "location" && m.Location != nil:
		c.text = locationText(m.Location)
	case m.Type == "contacts" && len(m.Contacts) > 0:
		c.text = contactsText(m.Contacts)
	case m.Type == "interactive" && m.Interactive != nil && m.Interactive.ButtonReply != nil:
		c.text = "🔘 " + m.Interactive.ButtonReply.Title
		header("WhatsApp-Reply-Id", m.Interactive.ButtonReply.ID)
	case m.Type == "interactive" && m.Interactive != nil && m.Interactive.ListReply != nil:
		r := m.Interactive.ListReply
		c.text = "🔘 " + joinNonEmpty(" — ", r.Title, r.Description)
		header("WhatsApp-Reply-Id", r.ID)
	case m.Type == "button" && m.Button != nil:
		c.text = "🔘 " + m.Button.Text
		header("WhatsApp-Button-Payload", m.Button.Payload)
	case m.Type == "reaction" && m.Reaction != nil:
		if m.Reaction.Emoji == "" {
			c.text = "[reaction removed]"
		} else {
			c.text = "[reaction] " + m.Reaction.Emoji
		}
		header("WhatsApp-Reaction-To", m.Reaction.MessageID)
	case m.Type == "system" && m.System != nil:
		c.text = "[system] " + strings.TrimSpace(m.System.Body)
		if m.System.Type == "user_changed_number" || m.System.Type == "customer_changed_number" {
			c.newNumber = m.System.NewWaID
			if c.newNumber == "" {
				c.newNumber = m.System.WaID
			}
		}
	default:
		c.text = unsupportedText(m)
	}
	if c.media != nil && strings.TrimSpace(c.media.ID) == "" {
		c.media = nil // nothing to download: the message is only its caption
	}
	if strings.TrimSpace(c.text) == "" && c.media == nil {
		c.text = unsupportedText(m)
	}
	return c
}

// unsupportedText is the note stored for a message Peyk cannot show.
func unsupportedText(m message) string {
	typ := strings.TrimSpace(m.Type)
	if typ == "" {
		typ = "unknown"
	}
	s := "[WhatsApp " + typ + " message]"
	for _, e := range m.Errors {
		s += " " + e.String()
	}
	return s
}

// locationText shows a place as its name and address, "📍 35.6892,
// 51.3890", and a geo: URI (RFC 5870) with the full precision, which the
// agent UI can link to a map.
func locationText(l *location) string {
	s := fmt.Sprintf("📍 %.4f, %.4f\ngeo:%s,%s", l.Latitude, l.Longitude,
		strconv.FormatFloat(l.Latitude, 'f', -1, 64), strconv.FormatFloat(l.Longitude, 'f', -1, 64))
	if place := joinNonEmpty(", ", l.Name, l.Address); place != "" {
		s = "📍 " + place + "\n" + s
	}
	if u := strings.TrimSpace(l.URL); u != "" {
		s += "\n" + u
	}
	return s
}

// contactsText shows shared contacts, one line each: "👤 name: phones,
// emails".
func contactsText(cs []sharedContact) string {
	var lines []string
	for _, c := range cs {
		name := c.Name.FormattedName
		if strings.TrimSpace(name) == "" {
			name = joinNonEmpty(" ", c.Name.FirstName, c.Name.LastName)
		}
		var handles []string
		for _, p := range c.Phones {
			handles = append(handles, p.Phone)
		}
		for _, e := range c.Emails {
			handles = append(handles, e.Email)
		}
		lines = append(lines, "👤 "+joinNonEmpty(": ", name, joinNonEmpty(", ", handles...)))
	}
	return strings.Join(lines, "\n")
}

// extension is the file name extension of a media type, or def.
func extension(mimeType, def string) string {
	mt := strings.ToLower(strings.TrimSpace(mimeType))
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = strings.TrimSpace(mt[:i])
	}
	switch mt {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	case "video/mp4":
		return ".mp4"
	case "video/3gpp":
		return ".3gp"
	case "audio/ogg":
		return ".ogg"
	case "audio/mpeg":
		return ".mp3"
	case "audio/mp4":
		return ".m4a"
	case "audio/aac":
		return ".aac"
	case "audio/amr":
		return ".amr"
	case "application/pdf":
		return ".pdf"
	case "text/plain":
		return ".txt"
	}
	return def
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
