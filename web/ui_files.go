package web

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"

	"github.com/peykhq/peyk/crm"
)

// mailPolicy is how mail HTML is cleaned again before it is served:
// bluemonday's UGC policy (no scripts, event handlers, forms or frames)
// plus cid: images. Ingest sanitized it already; this guards against rows
// written another way.
func mailPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("cid")
	return p
}

// mailHTML is GET /conversations/{id}/messages/{message}/html: a mail's
// sanitized HTML as a document of its own, for the sandboxed iframe of
// the timeline. Its headers (mailFrameHeaders) forbid scripts, plugins
// and remote content, and let only this site frame it.
func (u *ui) mailHTML(w http.ResponseWriter, r *http.Request) {
	conv, err := pathID(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("message"), 10, 64)
	if err != nil {
		u.fail(w, r, fmt.Errorf("message id %q: %w", r.PathValue("message"), crm.ErrInvalid))
		return
	}
	m, err := u.scoped(r).Message(r.Context(), id)
	if err == nil && m.ConversationID != conv {
		err = fmt.Errorf("message %d of conversation %d: %w", id, conv, crm.ErrNotFound)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	mailFrameHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = fmt.Fprintf(w, "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\"></head><body>%s</body></html>",
		u.mail.Sanitize(m.HTML))
}

// attachment is GET /attachments/{message}/{position}: a stored
// attachment, always as a download (never shown inline, so an HTML or SVG
// file cannot run on this site), with its stored content type.
func (u *ui) attachment(w http.ResponseWriter, r *http.Request) {
	id, err1 := strconv.ParseInt(r.PathValue("message"), 10, 64)
	pos, err2 := strconv.Atoi(r.PathValue("position"))
	if err1 != nil || err2 != nil || pos < 0 {
		u.fail(w, r, fmt.Errorf("attachment %q/%q: %w", r.PathValue("message"), r.PathValue("position"), crm.ErrInvalid))
		return
	}
	f, err := u.scoped(r).Attachment(r.Context(), id, pos)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	ctype := f.ContentType
	if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" {
		ctype = "application/octet-stream"
	}
	name := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, f.Name)
	if name == "" {
		name = fmt.Sprintf("attachment-%d-%d", id, pos)
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
	_, _ = newProgressWriter(w, r).Write(f.Data) // a write error means the client went away
}
