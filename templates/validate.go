package templates

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"text/template/parse"
	"unicode/utf8"
)

// Error says why a template was rejected or failed to render: which part
// (subject, body or html), the line in it, and the reason. It wraps
// ErrInvalid.
type Error struct {
	Part   string // "subject", "body" or "html"; empty when the whole template is at fault
	Line   int    // 1-based, 0 when unknown
	Reason string
	// Code names the kind of problem for a translated message: one of
	// "syntax", "unknown_field", "attribute", "unknown_function",
	// "unclosed", "html_context", "unsafe_html", "empty", "parts",
	// "too_long", "encoding", "id" and "run" (failed on the sample data).
	Code string
}

// Error returns the message, such as
// `templates: body, line 2: unknown field Nmae in {{.Contact.Nmae}} (Contact has ID, Name, FirstName, Phone, Email)`.
func (e *Error) Error() string {
	switch {
	case e.Part != "" && e.Line > 0:
		return fmt.Sprintf("templates: %s, line %d: %s", e.Part, e.Line, e.Reason)
	case e.Part != "":
		return fmt.Sprintf("templates: %s: %s", e.Part, e.Reason)
	}
	return "templates: " + e.Reason
}

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// Validate checks t before it is saved: its name, locale and kind, and that
// each part parses and runs — with the sample data of Sample (but no
// attributes, since those differ from contact to contact) and with empty
// data — without naming an unknown field, attribute or function, and, for
// HTML, that it can be escaped safely and writes no markup that runs script
// (scripts, event handlers, javascript: links, forms, frames: see
// checkHTMLSource), which is refused rather than rewritten. A rejected
// template gives an *Error.
func Validate(t Template) error {
	if err := checkID(t.Name, t.Locale, t.Kind); err != nil {
		return err
	}
	if err := t.checkParts(); err != nil {
		return err
	}
	if t.Kind == Email && strings.TrimSpace(t.HTML) != "" {
		if err := checkHTMLSource(t.HTML); err != nil {
			return err
		}
	}
	sample := Sample(t.Locale)
	sample.Attributes = map[string]any{}
	for _, d := range []Data{sample, {}} {
		if _, err := t.render(d); err != nil {
			return err
		}
	}
	return nil
}

// checkParts checks which parts t has and their sizes.
func (t Template) checkParts() error {
	if strings.TrimSpace(t.Body) == "" {
		return &Error{Part: "body", Code: "empty", Reason: "empty: a template needs a text body"}
	}
	if t.Kind == Text && (t.Subject != "" || t.HTML != "") {
		return &Error{Code: "parts", Reason: "a text template has a body only, no subject or HTML"}
	}
	for _, p := range []struct {
		part, src string
		max       int
	}{{"subject", t.Subject, maxSubject}, {"body", t.Body, maxPart}, {"html", t.HTML, maxPart}} {
		if len(p.src) > p.max {
			return &Error{Part: p.part, Code: "too_long", Reason: fmt.Sprintf("longer than %d bytes", p.max)}
		}
		if !utf8.ValidString(p.src) {
			return &Error{Part: p.part, Code: "encoding", Reason: "not valid UTF-8"}
		}
	}
	return nil
}

var (
	// textError matches text/template's parse and execution errors:
	// `template: body:2:14: executing "body" at <.Contact.Nmae>: can't…`.
	textError    = regexp.MustCompile(`(?s)^template: [^:]*:(\d+)(?::\d+)?: (?:executing "[^"]*" at <(.*?)>: )?(.*)$`)
	unknownField = regexp.MustCompile(`^can't evaluate field (\w+) in type \*?templates\.(\w+)$`)
	missingKey   = regexp.MustCompile(`^map has no entry for key "(.*)"$`)
	unknownFunc  = regexp.MustCompile(`^function "(.*)" not defined$`)
	callError    = regexp.MustCompile(`^error calling \w+: `)
)

// describe turns a text/template or html/template error into an *Error
// that names what is wrong in the words of the template's author.
func describe(part string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	e = &Error{Part: part, Reason: err.Error(), Code: "syntax"}
	var he *htmltemplate.Error
	if errors.As(err, &he) {
		e.Line, e.Reason, e.Code = he.Line, he.Description, "html_context"
		if he.Node != nil {
			loc, _ := (*parse.Tree)(nil).ErrorContext(he.Node)
			if i := strings.LastIndex(loc, ":"); i > 0 {
				loc = loc[:i]
			}
			e.Line, _ = strconv.Atoi(loc[strings.LastIndex(loc, ":")+1:])
		}
		if i := strings.Index(e.Reason, ": {state"); i > 0 {
			e.Reason = e.Reason[:i]
		}
		switch he.ErrorCode {
		case htmltemplate.ErrEndContext:
			e.Reason += ": a tag, quote or script is left open"
		case htmltemplate.ErrBranchEnd, htmltemplate.ErrRangeLoopReentry:
			e.Reason += ": each branch must close the tags and quotes it opens"
		}
		return e
	}
	if errors.Is(err, errTooLong) {
		e.Code = "too_long"
		return e
	}
	m := textError.FindStringSubmatch(e.Reason)
	if m == nil {
		e.Reason = strings.TrimPrefix(e.Reason, "template: "+part+": ")
		return e
	}
	e.Line, _ = strconv.Atoi(m[1])
	at, reason := m[2], m[3]
	if at == guardFunc {
		at = "range"
	}
	if strings.Contains(e.Reason, "executing") {
		e.Code = "run"
	}
	reason = callError.ReplaceAllString(reason, "")
	if f := unknownField.FindStringSubmatch(reason); f != nil {
		reason, e.Code = fmt.Sprintf("unknown field %s in {{%s}}", f[1], at), "unknown_field"
		if fields := fieldNames(f[2]); fields != "" {
			reason += fmt.Sprintf(" (%s has %s)", f[2], fields)
		}
	} else if k := missingKey.FindStringSubmatch(reason); k != nil && strings.Contains(at, "Attributes") {
		e.Code = "attribute"
		reason = fmt.Sprintf(`{{%s}}: attributes differ from contact to contact, so write {{attr %q}}, which is empty when a contact has none`, at, k[1])
	} else if f := unknownFunc.FindStringSubmatch(reason); f != nil {
		reason, e.Code = fmt.Sprintf("unknown function %q", f[1]), "unknown_function"
	} else if reason == "unexpected EOF" {
		reason, e.Code = "the template ends inside an action: is an {{end}} missing?", "unclosed"
	} else if at != "" {
		reason = fmt.Sprintf("{{%s}}: %s", at, reason)
	}
	e.Reason = reason
	return e
}

// fieldNames lists the fields of one of the data types by name.
func fieldNames(typ string) string {
	var v any
	switch typ {
	case "Data":
		v = Data{}
	case "Contact":
		v = Contact{}
	case "Agent":
		v = Agent{}
	case "Conversation":
		v = Conversation{}
	default:
		return ""
	}
	rt := reflect.TypeOf(v)
	names := make([]string, rt.NumField())
	for i := range names {
		names[i] = rt.Field(i).Name
	}
	return strings.Join(names, ", ")
}
