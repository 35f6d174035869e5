package templates

import (
	"errors"
	"strings"
	"testing"
)

// FuzzValidate checks that Validate never panics or hangs, that it rejects
// only with an *Error, and that a template it accepts renders, keeps its
// subject on one line and escapes a hostile customer name in HTML.
func FuzzValidate(f *testing.F) {
	defaults, err := loadDefaults(defaultFiles)
	if err != nil {
		f.Fatal(err)
	}
	for k, t := range defaults {
		f.Add(t.Subject, t.Body, t.HTML, k.locale == Persian)
	}
	for _, s := range [][3]string{
		{"{{name}}", "{{range 3}}{{.}}{{end}}", `<a href="{{.Link}}">{{name}}</a>`},
		{"", "{{.Attributes.x}}", "<script>var n = {{name}};</script>"},
		{"{{define \"a\"}}{{end}}", "{{with $x := 5}}{{range $x}}{{end}}{{end}}", "<p title={{name}}>"},
		{"{{attr \"plan\" | default \"—\"}}", "{{paragraphs .Text}}", "{{paragraphs .Text}}"},
		{"{{date .Due}} {{time .Now}}", "{{jalaliLong (attr \"warranty_end\")}}", "<style>p { color: {{.Text}} }</style>"},
	} {
		f.Add(s[0], s[1], s[2], true)
	}
	const payload = `<script>alert(7)</script>`
	f.Fuzz(func(t *testing.T, subject, body, html string, fa bool) {
		tpl := Template{Name: "fuzz", Locale: English, Kind: Email, Subject: subject, Body: body, HTML: html}
		if fa {
			tpl.Locale = Persian
		}
		err := Validate(tpl)
		var e *Error
		if err != nil {
			if !errors.Is(err, ErrInvalid) || !errors.As(err, &e) {
				t.Fatalf("rejected with %T %v", err, err)
			}
			return
		}
		d := Sample(tpl.Locale)
		d.Attributes = map[string]any{}
		if _, err := tpl.Render(d); err != nil {
			t.Fatalf("accepted, then failed on the same data: %v", err)
		}
		d.Contact.Name, d.Contact.FirstName, d.Text, d.Link = payload+"\r\nBcc: x", payload, payload, "javascript:alert(7)"
		r, err := tpl.Render(d)
		if err != nil {
			if !errors.As(err, &e) {
				t.Fatalf("failed with %T %v", err, err)
			}
			return
		}
		if strings.ContainsAny(r.Subject, "\r\n") {
			t.Errorf("subject %q spans lines", r.Subject)
		}
		if strings.Contains(r.HTML, "alert(7)</script>") && !strings.Contains(html, "alert(7)") {
			t.Errorf("payload unescaped in HTML:\n%s", r.HTML)
		}
	})
}
