package channels

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// FoldDigit returns the ASCII digit for a Persian (۰–۹) or Arabic-Indic
// (٠–٩) digit r, and r itself otherwise.
func FoldDigit(r rune) rune {
	switch {
	case r >= '۰' && r <= '۹':
		return '0' + r - '۰'
	case r >= '٠' && r <= '٩':
		return '0' + r - '٠'
	}
	return r
}

// NumericID returns the normalizer of a chat user id of the kind named
// what (Telegram, Bale): trimmed, Persian and Arabic digits folded, an
// optional prefix (such as "tg:", any case) and leading zeros removed.
// The id must be a positive integer that fits in int64; otherwise the
// error wraps ErrInvalid.
func NumericID(what, prefix string) func(string) (string, error) {
	return func(s string) (string, error) {
		fail := func(reason string) (string, error) {
			return "", fmt.Errorf("%s id %q: %s: %w", what, s, reason, ErrInvalid)
		}
		blank := func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }
		v := strings.TrimFunc(strings.Map(FoldDigit, s), blank)
		if prefix != "" && len(v) >= len(prefix) && strings.EqualFold(v[:len(prefix)], prefix) {
			v = strings.TrimFunc(v[len(prefix):], blank)
		}
		if v == "" {
			return fail("empty")
		}
		if strings.Trim(v, "0123456789") != "" {
			return fail("not a positive decimal integer")
		}
		v = strings.TrimLeft(v, "0")
		if v == "" {
			return fail("not a positive decimal integer")
		}
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return fail("too large")
		}
		return v, nil
	}
}
