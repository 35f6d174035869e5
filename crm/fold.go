package crm

import (
	"strings"
	"unicode"

	"github.com/peykhq/peyk/channels"
)

// Fold returns the search key of s, under which spellings a Persian reader
// takes as the same word compare equal: "می‌خواهم" and "میخواهم", "علي" and
// "علی", "۰۹۱۲" and "0912". It folds digits (see FoldDigits), maps Arabic
// ي and ى to Persian ی, ك to ک, ة, ۀ and ە to ه, أ, إ, ٱ and آ to ا, ؤ to و
// and ئ to ی; removes tatweel, Arabic diacritics (U+064B–U+065F, U+0670)
// and invisible format characters (ZWNJ, ZWJ, direction marks, byte order
// marks); lower-cases; and collapses runs of whitespace to one space,
// trimming the ends. A letter written with a separate hamza or madda folds
// like its precomposed form. Invalid UTF-8 becomes U+FFFD. Keep the
// original text for display; the key is for matching only.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		r = foldRune(unicode.ToLower(r))
		switch {
		case r < 0:
		case unicode.IsSpace(r):
			space = b.Len() > 0
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldRune returns the search form of r, or -1 if r is dropped.
func foldRune(r rune) rune {
	switch r {
	case 'ي', 'ى', 'ئ':
		return 'ی'
	case 'ك':
		return 'ک'
	case 'ة', 'ۀ', 'ە':
		return 'ه'
	case 'أ', 'إ', 'ٱ', 'آ':
		return 'ا'
	case 'ؤ':
		return 'و'
	case '\u0640', '\u0670': // tatweel, superscript alef
		return -1
	}
	if r >= '\u064b' && r <= '\u065f' || unicode.Is(unicode.Cf, r) {
		return -1
	}
	return channels.FoldDigit(r)
}

// FoldDigits returns s with Persian (۰–۹, U+06F0–U+06F9) and Arabic-Indic
// (٠–٩, U+0660–U+0669) digits replaced by ASCII digits; nothing else
// changes, except that invalid UTF-8 becomes U+FFFD.
func FoldDigits(s string) string {
	return strings.Map(channels.FoldDigit, s)
}

// PersianDigits returns s with ASCII digits replaced by Persian digits
// (۰–۹), for display; it is the inverse direction of FoldDigits. Invalid
// UTF-8 becomes U+FFFD.
func PersianDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + r - '0'
		}
		return r
	}, s)
}
