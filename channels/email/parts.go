package email

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"

	"github.com/peykhq/peyk/channels"
)

// Limits that keep a hostile mail from exhausting the parser.
const (
	maxDepth = 20
	maxParts = 500
)

// body is what the walk over a mail's MIME tree collects.
type body struct {
	texts, htmls []string
	atts         []channels.Attachment
	report       *report
	errs         []error
	parts        int
	// hint is a non-UTF-8 charset the mail declared somewhere, used for
	// text that declares none.
	hint string
}

func (b *body) fail(err error) { b.errs = append(b.errs, err) }

// walk reads one MIME entity and, for a multipart, its parts in order.
// Text and HTML parts become the body; anything else an attachment.
// multipart/report parts feed the delivery-status report.
func (b *body) walk(h textproto.Header, r io.Reader, depth int, parent string) {
	def := "text/plain"
	if parent == "multipart/digest" {
		def = "message/rfc822"
	}
	p := readPartInfo(h, def, b.hint)
	if strings.HasPrefix(p.typ, "multipart/") && p.params["boundary"] != "" {
		b.multipart(p, r, depth)
		return
	}
	if strings.HasPrefix(p.typ, "multipart/") {
		p.typ = "text/plain" // no boundary: read it as text
	}
	data, err := decodeTransfer(h, r)
	if err != nil {
		b.fail(fmt.Errorf("part %s: %w", p.typ, err))
	}
	switch {
	case parent == "multipart/report" && isDeliveryStatus(p.typ):
		b.ensureReport().readStatus(data)
		return
	case parent == "multipart/report" && p.typ == "text/rfc822-headers":
		b.ensureReport().readOriginal(data)
		return
	case parent == "multipart/report" && isMessage(p.typ):
		b.ensureReport().readOriginal(data)
	}
	if (p.typ == "text/plain" || p.typ == "text/html") && p.disposition != "attachment" && p.filename == "" {
		b.text(p, data)
		return
	}
	b.attach(p, data)
}

func (b *body) multipart(p partInfo, r io.Reader, depth int) {
	if depth >= maxDepth {
		b.fail(fmt.Errorf("%s: nested deeper than %d levels", p.typ, maxDepth))
		return
	}
	if p.typ == "multipart/report" {
		b.ensureReport().kind = strings.ToLower(p.params["report-type"])
	}
	mr := textproto.NewMultipartReader(r, p.params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			b.fail(fmt.Errorf("%s: %w", p.typ, err))
			return
		}
		if b.parts++; b.parts > maxParts {
			b.fail(fmt.Errorf("more than %d MIME parts", maxParts))
			return
		}
		b.walk(part.Header, part, depth+1, p.typ)
	}
}

// decodeTransfer reads a part's body, undoing its Content-Transfer-Encoding
// (base64, quoted-printable). On a decoding error it returns what it
// decoded before the error.
func decodeTransfer(h textproto.Header, r io.Reader) ([]byte, error) {
	var eh message.Header
	enc := strings.ToLower(strings.Trim(h.Get("Content-Transfer-Encoding"), " \t\"'"))
	eh.Set("Content-Transfer-Encoding", enc)
	e, err := message.New(eh, r)
	if err != nil {
		raw, _ := io.ReadAll(e.Body)
		return raw, err
	}
	data, err := io.ReadAll(e.Body)
	if err != nil {
		return data, fmt.Errorf("%s: %w", enc, err)
	}
	return data, nil
}

func (b *body) text(p partInfo, data []byte) {
	label := normCharset(p.params["charset"])
	if p.typ == "text/html" && label == "" {
		if m := metaCharset.FindSubmatch(data); m != nil {
			label = normCharset(string(m[1]))
		}
	}
	if b.hint == "" && !isUTF8Label(label) {
		b.hint = label
	}
	s, clean := toUTF8(data, label, b.hint)
	if !clean {
		// Keep the original: what the reader sees is a guess.
		b.fail(fmt.Errorf("part %s: charset %q: the text could not be decoded cleanly", p.typ, label))
	}
	if p.typ == "text/html" {
		b.htmls = append(b.htmls, s)
	} else {
		b.texts = append(b.texts, s)
	}
}

func (b *body) attach(p partInfo, data []byte) {
	name := p.filename
	if name == "" && isMessage(p.typ) {
		name = embeddedSubject(data, b.hint)
	}
	if name == "" && p.typ == "text/calendar" {
		name = "invite.ics"
	}
	if name == "" {
		name = fmt.Sprintf("part-%d%s", len(b.atts)+1, extension(p.typ))
	}
	b.atts = append(b.atts, channels.Attachment{
		Name: name, ContentType: p.typ, Data: data, ContentID: p.contentID,
	})
}

func (b *body) ensureReport() *report {
	if b.report == nil {
		b.report = &report{}
	}
	return b.report
}

func isMessage(typ string) bool { return typ == "message/rfc822" || typ == "message/global" }

func isDeliveryStatus(typ string) bool {
	return typ == "message/delivery-status" || typ == "message/global-delivery-status"
}

// embeddedSubject names an attached mail after its subject.
func embeddedSubject(data []byte, hint string) string {
	head, _ := splitHeader(data)
	h, _ := readHeader(head)
	s := cleanFilename(decodeWords(h.Get("Subject"), hint))
	if s == "" {
		return "message.eml"
	}
	if len(s) > 100 {
		s = strings.ToValidUTF8(s[:100], "")
	}
	return s + ".eml"
}
