package whatsapp

import (
	"strings"
	"unicode/utf8"
)

// splitText cuts s into parts of at most limit characters, at a line
// break or space in the second half of a part when there is one. Parts
// that are only white space are dropped.
func splitText(s string, limit int) []string {
	var parts []string
	add := func(p string) {
		if strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
	}
	for utf8.RuneCountInString(s) > limit {
		cut := 0
		for n := 0; n < limit; n++ {
			_, size := utf8.DecodeRuneInString(s[cut:])
			cut += size
		}
		if i := strings.LastIndexByte(s[:cut], '\n'); i > cut/2 {
			cut = i + 1
		} else if i := strings.LastIndexByte(s[:cut], ' '); i > cut/2 {
			cut = i + 1
		}
		add(strings.TrimRight(s[:cut], " \n"))
		s = s[cut:]
	}
	add(s)
	return parts
}
