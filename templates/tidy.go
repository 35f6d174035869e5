package templates

import (
	"regexp"
	"strings"
)

// The clean-up of text output where data was missing: an empty field
// leaves the blank before it and the punctuation after it behind
// ("سلام {{.Contact.FirstName}}،" with no name would be "سلام ،").
var (
	// innerBlanks are two or more spaces or tabs between words.
	innerBlanks = regexp.MustCompile(`(\S)[ \t]{2,}`)
	// blankBeforeMark is white space before a closing punctuation mark.
	blankBeforeMark = regexp.MustCompile(`[ \t]+([،,.;:!?؛؟)»”])`)
	// repeatedComma is a comma left after another mark or at a line's
	// start once what stood between them rendered as nothing.
	repeatedComma = regexp.MustCompile(`(?m)([،,:;.!?؛؟(«“])[،,]+|^[،,][ \t]*`)
	// emptyPair is a pair of brackets or quotes with nothing inside.
	emptyPair = regexp.MustCompile(`[ \t]?(?:\([ \t]*\)|«[ \t]*»|“[ \t]*”|"[ \t]*")`)
)

// tidy cleans up text rendered with missing data: brackets and quotes
// with nothing in them go, runs of blanks between words become one,
// blanks before a closing mark and commas doubled up or left at a line's
// start are dropped, and lines end without blanks. Indentation at the
// start of a line and line breaks are kept.
func tidy(s string) string {
	if !strings.ContainsAny(s, " \t,،()«»“”\"") {
		return s
	}
	s = emptyPair.ReplaceAllString(s, "")
	s = innerBlanks.ReplaceAllString(s, "$1 ")
	s = blankBeforeMark.ReplaceAllString(s, "$1")
	s = repeatedComma.ReplaceAllString(s, "$1")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}
