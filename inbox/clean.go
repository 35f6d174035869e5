package inbox

import (
	"strings"
	"unicode/utf8"
)

// clean makes s storable text: valid UTF-8, no NUL bytes, at most max
// bytes (cut at a character boundary). It reports whether it cut.
func clean(s string, max int) (string, bool) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if len(s) <= max {
		return s, false
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

// cleanID strips angle brackets and white space from a Message-ID.
func cleanID(s string) string {
	s, _ = clean(strings.TrimSpace(s), 1000)
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">"))
}
