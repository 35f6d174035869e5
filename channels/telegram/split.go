package telegram

import (
	"strings"
	"unicode/utf8"
)

// utf16Len is the length of s in UTF-16 code units, as Telegram counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// splitText cuts s into parts of at most limit UTF-16 code units, at a
// line break or space in the second half of a part when there is one.
// Parts that are only white space are dropped.
func splitText(s string, limit int) []string {
	var parts []string
	add := func(p string) {
		if strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
	}
	for utf16Len(s) > limit {
		cut, n := 0, 0
		for cut < len(s) {
			r, size := utf8.DecodeRuneInString(s[cut:])
			w := 1
			if r >= 0x10000 {
				w = 2
			}
			if n+w > limit {
				break
			}
			n += w
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
