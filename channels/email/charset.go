package email

import (
	"bytes"
	"io"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
)

// wordDecoder decodes RFC 2047 encoded words in every charset go-message
// knows (windows-1256, iso-8859-6 and the rest).
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// decodeWords decodes the encoded words of a header value. Words that do
// not decode stay as they are; raw 8-bit text is read in the hint charset
// when it is not UTF-8.
func decodeWords(v, hint string) string {
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		v = d
	}
	s, _ := toUTF8([]byte(v), "", hint)
	return s
}

// normCharset returns a charset label in lower case without quotes or
// surrounding space.
func normCharset(label string) string {
	return strings.ToLower(strings.Trim(label, " \t\"'"))
}

// isUTF8Label reports whether label names UTF-8 or its ASCII subset, the
// labels that need no conversion.
func isUTF8Label(label string) bool {
	switch label {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "unicode-1-1-utf-8":
		return true
	}
	return false
}

// toUTF8 converts b from the charset label to valid UTF-8. An unknown or
// missing label falls back to UTF-8 when b is valid UTF-8, else to the
// hint charset (another charset the mail declared), else to windows-1252,
// which maps every byte; it never fails. clean reports whether b was read
// in its declared charset (or as the valid UTF-8 it is) without a byte
// replaced: a guess or a replacement is not clean.
func toUTF8(b []byte, label, hint string) (s string, clean bool) {
	label = normCharset(label)
	if !isUTF8Label(label) {
		if s, ok := convert(b, label); ok {
			return s, !strings.ContainsRune(s, utf8.RuneError)
		}
	}
	if utf8.Valid(b) {
		return string(b), true
	}
	if label == "us-ascii" || label == "ascii" {
		// 8-bit text labelled ASCII is windows-1252 (Outlook's «=96»), as
		// the WHATWG Encoding Standard maps the label.
		if s, ok := convert(b, "windows-1252"); ok {
			return s, true
		}
	}
	if hint != "" && !isUTF8Label(hint) {
		if s, ok := convert(b, hint); ok {
			return s, false
		}
	}
	if s, ok := convert(b, "windows-1252"); ok {
		return s, false
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), false
}

func convert(b []byte, label string) (string, bool) {
	r, err := charset.Reader(label, bytes.NewReader(b))
	if err != nil {
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return "", false
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), true
}

// wordCharset finds the charset of the first encoded word in v.
var wordCharset = regexp.MustCompile(`=\?([^?*\s]+)(\*[^?]*)?\?[bBqQ]\?`)

// metaCharset finds the charset an HTML document declares for itself.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)`)
