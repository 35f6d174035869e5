package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/peykhq/peyk/channels"
)

// Downloader fetches media files by their Cloud API media id. A *Client
// is one. Download returns an error wrapping channels.ErrPermanent when
// the file can never be had (too large, unknown or expired id); other
// errors are worth retrying.
type Downloader interface {
	Download(ctx context.Context, mediaID string) ([]byte, error)
}

// Download fetches a media file: GET /{version}/{media-id} for its URL
// and size, then the URL itself, both with the access token. Files larger
// than Config.MaxFileSize are refused with an error wrapping
// channels.ErrPermanent.
func (c *Client) Download(ctx context.Context, mediaID string) ([]byte, error) {
	var meta struct {
		URL      string `json:"url"`
		MimeType string `json:"mime_type"`
		FileSize int64  `json:"file_size"`
	}
	if err := c.call(ctx, "media "+mediaID, http.MethodGet, c.endpoint(mediaID), nil, &meta); err != nil {
		return nil, err
	}
	max := c.cfg.MaxFileSize
	switch {
	case meta.URL == "":
		return nil, fmt.Errorf("whatsapp: media %s: no download URL: %w", mediaID, channels.ErrPermanent)
	case meta.FileSize > max:
		return nil, fmt.Errorf("whatsapp: media %s of %d bytes is larger than %d: %w", mediaID, meta.FileSize, max, channels.ErrPermanent)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, meta.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: media %s: %w: %w", mediaID, err, channels.ErrPermanent)
	}
	req.Header.Set("Authorization", "Bearer "+c.sec.AccessToken)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: media %s: %w", mediaID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("whatsapp: media %s: download: HTTP %d", mediaID, resp.StatusCode)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			err = fmt.Errorf("%w: %w", err, channels.ErrPermanent)
		}
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("whatsapp: media %s: download: %w", mediaID, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("whatsapp: media %s is larger than %d bytes: %w", mediaID, max, channels.ErrPermanent)
	}
	return data, nil
}

// fetch downloads the media of ev into its Inbound's attachment. A file
// that can never be had is kept without content and named in the
// "WhatsApp-Media-Error" header; any other failure is returned, and the
// notification should be retried.
func fetch(ctx context.Context, ev Event, media Downloader) error {
	if ev.Media == nil || media == nil || ev.Inbound == nil || len(ev.Inbound.Attachments) == 0 {
		return nil
	}
	data, err := media.Download(ctx, ev.Media.ID)
	switch {
	case err == nil:
		ev.Inbound.Attachments[0].Data = data
	case errors.Is(err, channels.ErrPermanent):
		if ev.Inbound.Headers == nil {
			ev.Inbound.Headers = map[string]string{}
		}
		ev.Inbound.Headers["WhatsApp-Media-Error"] = ev.Inbound.Attachments[0].Name + ": " + err.Error()
	default:
		return fmt.Errorf("whatsapp: message %s: %w", ev.Inbound.ExternalID, err)
	}
	return nil
}
