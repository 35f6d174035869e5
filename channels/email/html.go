package email

import (
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// ugcPolicy is bluemonday's UGC policy plus cid: URLs, so inline images
// (<img src="cid:…">) can be resolved against the message's attachments.
// Policies are safe for concurrent use once built.
var ugcPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("cid")
	return p
})

// textPolicy strips every tag and drops the content of script, style and
// similar elements.
var textPolicy = sync.OnceValue(bluemonday.StrictPolicy)

// sanitizeHTML returns s safe to show in a browser: no scripts, event
// handlers, styles or forms.
func sanitizeHTML(s string) string {
	return strings.TrimSpace(ugcPolicy().Sanitize(s))
}

var (
	htmlSpace  = regexp.MustCompile(`[ \t\r\n\f]+`)
	htmlBreak  = regexp.MustCompile(`(?i)<\s*(br|hr)\b[^>]*>|<\s*/\s*(div|tr|pre|section|article|header|footer)\s*>`)
	htmlPara   = regexp.MustCompile(`(?i)<\s*/\s*(p|h[1-6]|table|blockquote|ul|ol)\s*>`)
	htmlItem   = regexp.MustCompile(`(?i)<\s*li\b[^>]*>`)
	htmlCell   = regexp.MustCompile(`(?i)<\s*/\s*t[dh]\s*>`)
	blankLines = regexp.MustCompile(`\n{3,}`)
)

// htmlToText renders an HTML body as plain text: tags gone, block elements
// on lines of their own, entities decoded, white space tidied.
func htmlToText(s string) string {
	s = htmlSpace.ReplaceAllString(s, " ")
	s = htmlBreak.ReplaceAllStringFunc(s, func(tag string) string { return tag + "\n" })
	s = htmlPara.ReplaceAllStringFunc(s, func(tag string) string { return tag + "\n\n" })
	s = htmlItem.ReplaceAllStringFunc(s, func(tag string) string { return "\n- " + tag })
	s = htmlCell.ReplaceAllStringFunc(s, func(tag string) string { return tag + " " })
	s = html.UnescapeString(textPolicy().Sanitize(s))
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(strings.ReplaceAll(l, "\u00a0", " ")), " ")
	}
	s = blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.TrimSpace(s)
}
