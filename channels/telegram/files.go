package telegram

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/peykhq/peyk/channels"
)

// Files downloads the files messages refer to by Telegram file id. A *Bot
// is one. Download returns an error wrapping channels.ErrPermanent when
// the file can never be had (too large, unknown file id); other errors are
// worth retrying.
type Files interface {
	Download(ctx context.Context, fileID string) ([]byte, error)
}

// Download fetches a file: getFile for its path, then the file itself from
// the configured endpoint (APIEndpoint/file/bot<token>/<path>; the SDK's
// File.Link would always use the public server). Files larger than
// Config.MaxFileSize are refused with an error wrapping
// channels.ErrPermanent.
func (b *Bot) Download(ctx context.Context, fileID string) ([]byte, error) {
	api, d := b.call(ctx)
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, classify("getFile", err, d.status)
	}
	max := b.cfg.MaxFileSize
	switch {
	case f.FilePath == "":
		return nil, fmt.Errorf("telegram: getFile: no file path for %q: %w", fileID, channels.ErrPermanent)
	case int64(f.FileSize) > max:
		return nil, fmt.Errorf("telegram: file of %d bytes is larger than %d: %w", f.FileSize, max, channels.ErrPermanent)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.fileURL(f.FilePath), nil)
	if err != nil {
		return nil, fmt.Errorf("telegram: file %q: %w", f.FilePath, redact(err, b.token))
	}
	resp, err := b.files.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram: download: %w", redact(err, b.token))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("telegram: download %q: HTTP %d", f.FilePath, resp.StatusCode)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			err = fmt.Errorf("%w: %w", err, channels.ErrPermanent)
		}
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("telegram: download %q: %w", f.FilePath, redact(err, b.token))
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("telegram: file %q is larger than %d bytes: %w", f.FilePath, max, channels.ErrPermanent)
	}
	return data, nil
}

// fileURL is where the endpoint serves the file at path.
func (b *Bot) fileURL(path string) string {
	parts := strings.Split(strings.TrimLeft(path, "/"), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return b.cfg.APIEndpoint + "/file/bot" + b.token + "/" + strings.Join(parts, "/")
}
