package templates

import (
	"bytes"
	"errors"
	htmltemplate "html/template"
	"io"
	"regexp"
	"strings"
	texttemplate "text/template"
	"time"
)

// Render renders t with d in t's locale. A zero d.Now becomes the current
// time and a nil d.Location Asia/Tehran. Its errors are *Error values.
func (t Template) Render(d Data) (Rendered, error) {
	if d.Now.IsZero() {
		d.Now = time.Now()
	}
	return t.render(d)
}

// render renders t with d, leaving d.Now alone.
func (t Template) render(d Data) (Rendered, error) {
	out := Rendered{Locale: t.Locale}
	var err error
	if t.Kind == Email {
		if out.Subject, err = renderText("subject", t.Subject, t.Locale, &d); err != nil {
			return Rendered{}, err
		}
		out.Subject = strings.Join(strings.Fields(out.Subject), " ")
		if out.HTML, err = renderHTML("html", t.HTML, t.Locale, &d); err != nil {
			return Rendered{}, err
		}
	}
	if out.Text, err = renderText("body", t.Body, t.Locale, &d); err != nil {
		return Rendered{}, err
	}
	return out, nil
}

// renderText renders src, one part of a template, as text/template.
func renderText(part, src, locale string, d *Data) (string, error) {
	r := newRenderer(locale, d)
	t, err := texttemplate.New(part).Option("missingkey=error").Funcs(r.funcs(false)).Parse(src)
	if err == nil {
		err = guard(t.Tree, len(t.Templates()))
	}
	if err != nil {
		return "", describe(part, err)
	}
	markEmpty(t.Tree)
	out, err := r.execute(part, t.Execute)
	return tidy(out), err
}

// renderHTML renders src, the html part of a template, as html/template;
// an empty part renders as "". Output holding markup that runs script (from
// a part stored before parts were checked) is an error, not a message.
func renderHTML(part, src, locale string, d *Data) (string, error) {
	if strings.TrimSpace(src) == "" {
		return "", nil
	}
	r := newRenderer(locale, d)
	t, err := htmltemplate.New(part).Option("missingkey=error").Funcs(r.funcs(true)).Parse(src)
	if err == nil {
		err = guard(t.Tree, len(t.Templates()))
	}
	if err != nil {
		return "", describe(part, err)
	}
	out, err := r.execute(part, t.Execute)
	if err == nil {
		err = checkHTMLOutput(out)
	}
	if err != nil {
		return "", err
	}
	return out, nil
}

// renderer holds what one execution of one part needs.
type renderer struct {
	locale string
	d      *Data
	loops  int // iterations of range so far, limited to maxLoops
}

func newRenderer(locale string, d *Data) *renderer {
	return &renderer{locale: locale, d: d}
}

// execute runs a parsed part on r's data and trims the white space around
// its output.
func (r *renderer) execute(part string, exec func(io.Writer, any) error) (string, error) {
	w := &limitedBuffer{}
	if err := exec(w, r.d); err != nil {
		return "", describe(part, err)
	}
	return strings.TrimSpace(w.String()), nil
}

// funcs returns every template function, bound to r's data; html says
// whether they serve an html/template.
func (r *renderer) funcs(html bool) map[string]any {
	m := Funcs(r.locale, r.d.Location)
	m["name"] = r.name
	m["firstName"] = r.firstName
	m["contact"] = r.contact
	m["attr"] = r.attr
	m[guardFunc] = r.limitRange
	m[emptyFunc] = printed
	if html {
		m["paragraphs"] = paragraphsHTML
	} else {
		m["paragraphs"] = func(s string) string { return s }
	}
	return m
}

// tr returns fa in Persian and en otherwise.
func (r *renderer) tr(fa, en string) string {
	if r.locale == Persian {
		return fa
	}
	return en
}

// name is the customer's display name, else a polite stand-in.
func (r *renderer) name() string {
	return first(r.d.Contact.Name, r.d.Contact.FirstName, r.tr("مشتری گرامی", "there"))
}

// firstName is what to call the customer informally, else their name,
// else a polite stand-in.
func (r *renderer) firstName() string {
	return first(r.d.Contact.FirstName, r.d.Contact.Name, r.tr("مشتری گرامی", "there"))
}

// contact is the customer as an agent wants to see them: the name with a
// phone number or address to reach them at.
func (r *renderer) contact() string {
	c := r.d.Contact
	name, reach := first(c.Name, c.FirstName), first(c.Phone, c.Email)
	switch {
	case name != "" && reach != "":
		return name + " (" + reach + ")"
	case name == "" && reach == "":
		return r.tr("مشتری", "the customer")
	}
	return name + reach
}

// attr returns the contact's attribute key as text, "" when it is unset.
func (r *renderer) attr(key string) string {
	return str(r.d.Attributes[key])
}

// first returns the first of ss that is not blank, trimmed.
func first(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

var blankLines = regexp.MustCompile(`\n[ \t]*\n\s*`)

// paragraphsHTML turns text into escaped HTML paragraphs: a blank line
// starts a paragraph and a line break becomes <br>.
func paragraphsHTML(s string) htmltemplate.HTML {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return ""
	}
	ps := blankLines.Split(s, -1)
	for i, p := range ps {
		ps[i] = "<p>" + strings.ReplaceAll(htmltemplate.HTMLEscapeString(p), "\n", "<br>\n") + "</p>"
	}
	return htmltemplate.HTML(strings.Join(ps, "\n"))
}

var errTooLong = errors.New("the message would be longer than 256 KiB")

// limitedBuffer collects output up to maxOutput bytes.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxOutput {
		return 0, errTooLong
	}
	return b.Buffer.Write(p)
}
