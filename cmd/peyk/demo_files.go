package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// Size of the demo photo.
const (
	demoPhotoWidth  = 320
	demoPhotoHeight = 240
)

// demoFiles are the attachments simulated customers send, made once.
type demoFiles struct {
	Photo   []byte // a PNG: a phone with a cracked screen, roughly
	Invoice []byte // a one-page PDF
}

func newDemoFiles() (demoFiles, error) {
	img := image.NewRGBA(image.Rect(0, 0, demoPhotoWidth, demoPhotoHeight))
	for y := range demoPhotoHeight {
		for x := range demoPhotoWidth {
			c := color.RGBA{R: 230, G: 232, B: 236, A: 255}
			if x > 100 && x < 220 && y > 20 && y < 220 { // the phone
				c = color.RGBA{R: 30, G: 40, B: 60, A: 255}
				if d := (x - 110) - (y-30)/2; d > -2 && d < 2 { // the crack
					c = color.RGBA{R: 250, G: 250, B: 250, A: 255}
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var photo bytes.Buffer
	if err := png.Encode(&photo, img); err != nil {
		return demoFiles{}, err
	}
	return demoFiles{Photo: photo.Bytes(), Invoice: demoPDF("Invoice 4471 - Peyk Demo Store - Total: 3,450,000 IRR")}, nil
}

// demoPDF returns a one-page PDF showing line.
func demoPDF(line string) []byte {
	stream := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (%s) Tj ET", line)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// demoMailOf builds the mail of an email event, as a customer's mail
// program would: UTF-8 text, an encoded Persian subject, threading headers
// when it answers an earlier mail, and the invoice when it has one.
func demoMailOf(e demoEvent, files demoFiles) ([]byte, error) {
	var h mail.Header
	h.SetDate(time.Now())
	h.SetAddressList("From", []*mail.Address{{Name: e.Who.Name(), Address: e.Who.Email}})
	to := &mail.Address{Name: "پشتیبانی پیک", Address: demoMailbox}
	if e.To != "" {
		to.Address = e.To
	}
	h.SetAddressList("To", []*mail.Address{to})
	h.SetSubject(e.Subject)
	h.SetMessageID(demoMessageID(e.ID))
	parent := e.InReplyTo
	if e.ReplyTo != "" {
		parent = demoMessageID(e.ReplyTo)
	}
	if parent != "" {
		h.SetMsgIDList("In-Reply-To", []string{parent})
		h.SetMsgIDList("References", []string{parent})
	}
	var buf bytes.Buffer
	if !e.Attach {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := mail.CreateSingleInlineWriter(&buf, h)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, e.Text); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	var text mail.InlineHeader
	text.Set("Content-Type", "text/plain; charset=utf-8")
	text.Set("Content-Transfer-Encoding", "quoted-printable")
	// A boundary of the event's own, not a random one: the demo appends
	// its mails again at each start, and the receiver knows a mail it has
	// stored by its body's bytes.
	h.SetContentType("multipart/mixed", map[string]string{"boundary": "peyk-demo-" + e.ID})
	w, err := message.CreateWriter(&buf, h.Header)
	if err != nil {
		return nil, err
	}
	tw, err := w.CreatePart(text.Header)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(tw, e.Text); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	var ah mail.AttachmentHeader
	ah.Set("Content-Type", "application/pdf")
	ah.SetFilename("invoice-4471.pdf")
	aw, err := w.CreatePart(ah.Header)
	if err != nil {
		return nil, err
	}
	if _, err := aw.Write(files.Invoice); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
