package whatsapp

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/peykhq/peyk/channels"
)

// MaxCaption is the longest caption of a media message, in characters.
const MaxCaption = 1024

// mediaType is the WhatsApp message type that carries a file of MIME type
// ct: image for JPEG and PNG, video for MP4 and 3GPP, audio for the audio
// types WhatsApp plays, document for anything else (a GIF or WebP would
// lose its animation or be refused as an image).
func mediaType(ct string) string {
	ct = strings.ToLower(strings.TrimSpace(ct))
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = strings.TrimSpace(ct[:i])
	}
	switch ct {
	case "image/jpeg", "image/png":
		return "image"
	case "video/mp4", "video/3gpp":
		return "video"
	case "audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg":
		return "audio"
	}
	return "document"
}

// sendFile sends one attachment with caption (dropped for audio, which
// takes none): its bytes are uploaded first (POST /{phone-number-id}/media)
// and sent by media id; an attachment without bytes but with an http(s)
// URL is sent by link, which WhatsApp fetches itself.
func (c *Client) sendFile(ctx context.Context, m channels.Outbound, to string, a channels.Attachment, caption, reply string) (string, error) {
	typ := mediaType(a.ContentType)
	obj := map[string]any{}
	switch {
	case len(a.Data) > 0:
		id, err := c.upload(ctx, m.MessageID, a)
		if err != nil {
			return "", err
		}
		obj["id"] = id
	case strings.HasPrefix(a.URL, "https://") || strings.HasPrefix(a.URL, "http://"):
		obj["link"] = a.URL
	default:
		return "", fmt.Errorf("whatsapp: message %d: attachment %q has neither content nor an http URL: %w: %w",
			m.MessageID, a.Name, channels.ErrInvalid, channels.ErrPermanent)
	}
	if caption != "" && typ != "audio" {
		obj["caption"] = caption
	}
	if typ == "document" && a.Name != "" {
		obj["filename"] = a.Name
	}
	body := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
		"type": typ, typ: obj}
	if reply != "" {
		body["context"] = map[string]string{"message_id": reply}
	}
	return c.post(ctx, m.MessageID, body)
}

// upload stores a's bytes as WhatsApp media and returns the media id.
func (c *Client) upload(ctx context.Context, messageID int64, a channels.Attachment) (string, error) {
	ct := strings.TrimSpace(a.ContentType)
	if ct == "" {
		ct = "application/octet-stream"
	}
	name := a.Name
	if name == "" {
		name = "file"
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("messaging_product", "whatsapp")
	_ = w.WriteField("type", ct)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", ct)
	part, _ := w.CreatePart(h)
	_, _ = part.Write(a.Data)
	_ = w.Close()
	var out struct {
		ID string `json:"id"`
	}
	what := fmt.Sprintf("message %d: upload %q", messageID, name)
	err := c.do(ctx, what, http.MethodPost, c.endpoint(c.cfg.PhoneNumberID, "media"), w.FormDataContentType(), &buf, &out)
	if err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("whatsapp: %s: the answer names no media id", what)
	}
	return out.ID, nil
}
