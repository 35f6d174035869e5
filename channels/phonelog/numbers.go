package phonelog

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pattern is one entry of Config.Ours.
type pattern struct {
	exact string // digits of a plain number
	glob  string // X, Z, N and digits; empty for exact
	rest  bool   // a trailing "." or "*": any further digits
}

func parsePattern(s string) (pattern, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "_")
	if d, ok := digits(s); ok {
		if d == "" {
			return pattern{}, fmt.Errorf("%q has no digits", s)
		}
		return pattern{exact: d}, nil
	}
	var p pattern
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "*") || strings.HasSuffix(s, "!") {
		p.rest, s = true, s[:len(s)-1]
	}
	for _, r := range foldDigits(s) {
		switch {
		case r >= '0' && r <= '9':
			p.glob += string(r)
		case r == 'x' || r == 'X' || r == 'z' || r == 'Z' || r == 'n' || r == 'N':
			p.glob += string(unicode.ToUpper(r))
		case r == '+' && p.glob == "", isSeparator(r):
		default:
			return pattern{}, fmt.Errorf("%q: %q is not a digit, X, Z, N or a trailing . or *", s, r)
		}
	}
	if p.glob == "" && !p.rest {
		return pattern{}, fmt.Errorf("%q matches nothing", s)
	}
	return p, nil
}

// match reports whether the number whose digits are d is this one.
func (p pattern) match(d string) bool {
	if p.exact != "" {
		return sameNumber(p.exact, d)
	}
	if len(d) < len(p.glob) || (!p.rest && len(d) != len(p.glob)) {
		return false
	}
	for i := 0; i < len(p.glob); i++ {
		c := d[i]
		switch p.glob[i] {
		case 'X':
		case 'Z':
			if c == '0' {
				return false
			}
		case 'N':
			if c < '2' {
				return false
			}
		default:
			if c != p.glob[i] {
				return false
			}
		}
	}
	return true
}

// sameNumber reports whether two digit strings are one number: equal, or,
// when both have at least 7 significant digits, one ending in the other
// (so a country code or trunk prefix does not matter).
func sameNumber(a, b string) bool {
	if a == b {
		return true
	}
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) < 7 || len(b) < 7 {
		return false
	}
	return strings.HasSuffix(a, b) || strings.HasSuffix(b, a)
}

// isOurs reports whether number is one of ours.
func (s *setup) isOurs(number string) bool {
	d, ok := digits(number)
	if !ok || d == "" {
		return false
	}
	for _, p := range s.ours {
		if p.match(d) {
			return true
		}
	}
	return false
}

// digits returns the ASCII digits of a phone-shaped string (Persian and
// Arabic digits folded; separators and one leading plus ignored) and
// reports whether s was phone-shaped.
func digits(s string) (string, bool) {
	var buf [24]byte
	d := buf[:0]
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
		case r >= '۰' && r <= '۹':
			d = append(d, byte('0'+r-'۰'))
		case r >= '٠' && r <= '٩':
			d = append(d, byte('0'+r-'٠'))
		case r == '+' && len(d) == 0, isSeparator(r):
		default:
			return "", false // also invalid UTF-8, which ranges as U+FFFD
		}
	}
	return string(d), true
}

// isSeparator reports whether r may sit between the digits of a number.
func isSeparator(r rune) bool {
	return r == '.' || r == '(' || r == ')' || unicode.Is(unicode.Pd, r) ||
		unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '۰' && r <= '۹':
			return '0' + r - '۰'
		case r >= '٠' && r <= '٩':
			return '0' + r - '٠'
		}
		return r
	}, s)
}

var errNoCustomer = errors.New("no customer number")

// checkNumber returns number trimmed if the inbox can take it as a phone
// number (3 to 20 digits, nothing but separators besides).
func checkNumber(number string) (string, error) {
	number = strings.TrimSpace(number)
	if number == "" {
		return "", errNoCustomer
	}
	d, ok := digits(number)
	if !ok || len(d) < 3 || len(d) > 20 {
		return "", fmt.Errorf("customer number %q is not a phone number", clip(number))
	}
	return number, nil
}

// placeholders are what PBXs and carriers write in place of a caller's
// number or name when they have none, folded as placeholder folds them.
var placeholders = map[string]bool{
	"": true, "anonymous": true, "unknown": true, "private": true, "privatenumber": true,
	"restricted": true, "unavailable": true, "withheld": true, "blocked": true,
	"nocallerid": true, "nocid": true, "cidunavailable": true, "notavailable": true,
	"outofarea": true, "asterisk": true, "ناشناس": true, "نامشخص": true, "ناشناخته": true,
}

// placeholder reports whether s is a placeholder for a missing number or
// name ("Unknown", "anonymous", "CID Unavailable", "ناشناس", empty), in
// any case and with any spaces, quotes, dashes or underscores.
func placeholder(s string) bool {
	f := strings.Map(func(r rune) rune {
		if r == '"' || r == '\'' || r == '-' || r == '_' || r == '.' || isSeparator(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	return placeholders[f]
}

// unknownNumber reports whether number says there is none: empty or a
// placeholder such as "anonymous" or "Unknown".
func unknownNumber(number string) bool { return placeholder(number) }

// callerName returns a caller's display name, or "" for a placeholder
// ("Unknown", "Anonymous"…), so that no contact is named after one.
func callerName(name string) string {
	name = strings.TrimSpace(name)
	if placeholder(name) {
		return ""
	}
	return name
}

// splitCallerID splits an Asterisk caller id, `"Name" <number>`, into the
// name and the number. A name that is only a number is dropped; so is a
// placeholder such as "Unknown" (callerName).
func splitCallerID(clid string) (name, number string) {
	clid = strings.TrimSpace(clid)
	if i := strings.LastIndexByte(clid, '<'); i >= 0 && strings.HasSuffix(clid, ">") {
		name, number = strings.TrimSpace(clid[:i]), strings.TrimSpace(clid[i+1:len(clid)-1])
	} else {
		name = clid
	}
	if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
		name = strings.TrimSpace(name[1 : len(name)-1])
	}
	if _, ok := digits(name); ok {
		name = ""
	}
	return callerName(name), number
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	for i := 40; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return s[:40] + "…"
}
