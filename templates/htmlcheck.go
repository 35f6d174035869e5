package templates

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"text/template/parse"

	"golang.org/x/net/html"
)

// An HTML part is refused, not rewritten, when it holds markup that can run
// script or send the reader elsewhere: html/template escapes the data put
// into a template, but it trusts the template's own markup, and silently
// rewriting that markup around {{actions}} (which may sit inside attributes)
// would change what the author wrote without saying so. The error lists
// every construct that was not allowed.

// unsafeElements are the elements an HTML part may not contain: they run
// script, embed other documents, submit forms or change how the message's
// links resolve. SVG animation elements (the tokenizer lowers their names)
// are among them: <animate attributeName="href" values="javascript:…"> and
// <set attributeName="href" to="javascript:…"> turn a link into script
// after the attributes were checked.
var unsafeElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "form": true, "input": true, "button": true, "textarea": true, "select": true,
	"base": true, "link": true, "portal": true,
	"animate": true, "set": true, "animatetransform": true, "animatemotion": true,
}

// urlAttrs are the attributes whose value is a URL.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "background": true, "poster": true,
	"cite": true, "longdesc": true, "lowsrc": true, "dynsrc": true, "usemap": true, "xlink:href": true,
	"data": true, "srcset": true, "ping": true,
}

// safeSchemes are the URL schemes an HTML part may link to.
var safeSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true, "sms": true, "cid": true}

var (
	// scheme matches a URL's scheme, once white space and control
	// characters are gone.
	scheme = regexp.MustCompile(`^([a-z][a-z0-9+.\-]*):`)
	// dataImage is the one data: URL allowed, an inline picture.
	dataImage = regexp.MustCompile(`^data:image/(?:png|gif|jpeg|webp)[;,]`)
	// unsafeCSS matches style that runs script in some mail client.
	unsafeCSS = regexp.MustCompile(`expression\s*\(|javascript:|vbscript:|-moz-binding|behavior\s*:|@import`)
)

// checkHTMLSource checks the markup an HTML part writes itself, whatever
// branch its actions take: the text between actions, joined as if every
// {{action}} printed nothing and every branch were taken (which is how an
// element name or URL split across actions would come out worst). It runs
// after the part has parsed. Lines in the error are the source's.
func checkHTMLSource(src string) error {
	tree := parse.New("html")
	tree.Mode = parse.SkipFuncCheck
	if _, err := tree.Parse(src, "", "", map[string]*parse.Tree{}); err != nil {
		return describe("html", err)
	}
	var s staticText
	s.list(tree.Root)
	problems, at := unsafeMarkup(s.text.String())
	if len(problems) == 0 {
		return nil
	}
	return &Error{Part: "html", Line: s.line(src, at), Code: "unsafe_html", Reason: notAllowed(problems)}
}

// checkHTMLOutput checks a rendered HTML part; it stops a template stored
// before parts were checked from sending unsafe markup.
func checkHTMLOutput(out string) error {
	if problems, _ := unsafeMarkup(out); len(problems) > 0 {
		return &Error{Part: "html", Code: "unsafe_html", Reason: notAllowed(problems)}
	}
	return nil
}

func notAllowed(problems []string) string {
	return "not allowed in an HTML template: " + strings.Join(problems, "; ") +
		" (remove them: scripts, event handlers, forms, frames and javascript: links are refused, not rewritten)"
}

// staticText collects a template's text nodes, remembering where each
// starts in the source.
type staticText struct {
	text strings.Builder
	// starts maps an offset in text to the source offset of its node.
	starts [][2]int
}

func (s *staticText) list(l *parse.ListNode) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			s.starts = append(s.starts, [2]int{s.text.Len(), int(n.Pos)})
			s.text.Write(n.Text)
		case *parse.IfNode:
			s.list(n.List)
			s.list(n.ElseList)
		case *parse.RangeNode:
			s.list(n.List)
			s.list(n.ElseList)
		case *parse.WithNode:
			s.list(n.List)
			s.list(n.ElseList)
		}
	}
}

// line returns the 1-based source line of offset at of the joined text.
func (s *staticText) line(src string, at int) int {
	i, _ := slices.BinarySearchFunc(s.starts, at, func(e [2]int, at int) int { return e[0] - at })
	if i == len(s.starts) || s.starts[i][0] > at {
		i--
	}
	if i < 0 {
		return 1
	}
	pos := s.starts[i][1] + at - s.starts[i][0]
	return strings.Count(src[:min(pos, len(src))], "\n") + 1
}

// unsafeMarkup lists, once each, what in doc is not allowed, and the
// offset of the first of them.
func unsafeMarkup(doc string) (problems []string, first int) {
	z := html.NewTokenizer(strings.NewReader(doc))
	offset, first := 0, -1
	add := func(p string) {
		if first < 0 {
			first = offset
		}
		if !slices.Contains(problems, p) {
			problems = append(problems, p)
		}
	}
	style := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				add("markup that cannot be read")
			}
			return problems, max(first, 0)
		}
		raw := len(z.Raw())
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			style = tok.Data == "style" && tt == html.StartTagToken
			if unsafeElements[tok.Data] {
				add(fmt.Sprintf("<%s> element", tok.Data))
			}
			for _, a := range tok.Attr {
				if p := unsafeAttr(tok.Data, a); p != "" {
					add(p)
				}
			}
		case html.TextToken:
			if style && unsafeCSS.MatchString(strings.ToLower(string(z.Text()))) {
				add("script in a <style> element")
			}
		case html.EndTagToken:
			style = false
		}
		offset += raw
	}
}

// unsafeAttr says what is wrong with attribute a of element el, or "".
func unsafeAttr(el string, a html.Attribute) string {
	name := strings.ToLower(a.Key)
	if a.Namespace != "" {
		name = a.Namespace + ":" + name
	}
	switch {
	case strings.HasPrefix(name, "on"):
		return fmt.Sprintf("%s attribute on <%s>", name, el)
	case name == "srcdoc":
		return fmt.Sprintf("srcdoc attribute on <%s>", el)
	case name == "style" && unsafeCSS.MatchString(strings.ToLower(a.Val)):
		return fmt.Sprintf("script in the style of <%s>", el)
	case el == "meta" && name == "http-equiv" && strings.EqualFold(strings.TrimSpace(a.Val), "refresh"):
		return `<meta http-equiv="refresh">`
	case urlAttrs[name] || strings.HasSuffix(name, ":href"):
		if s := unsafeURL(a.Val); s != "" {
			return fmt.Sprintf("%s: URL in %s of <%s>", s, name, el)
		}
	}
	return ""
}

// unsafeURL returns the scheme of u when it is not allowed, else "".
// Browsers ignore white space and control characters inside a scheme, so
// they are dropped before looking.
func unsafeURL(u string) string {
	u = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(u))
	m := scheme.FindStringSubmatch(u)
	if m == nil || safeSchemes[m[1]] || dataImage.MatchString(u) {
		return ""
	}
	return m[1]
}
