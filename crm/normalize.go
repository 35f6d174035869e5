package crm

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/peykhq/peyk/channels"
)

// defaultRegion is the region of phone numbers written without a country code.
const defaultRegion = "IR"

// kindPattern is what an identity kind outside the known three must look like.
var kindPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// IdentityKinds tells how each identity kind's values are normalized: the
// channel drivers declare it, and *channels.Registry is one.
type IdentityKinds interface {
	Identity(kind channels.IdentityKind) (channels.IdentitySpec, bool)
}

// base normalizes the identity kinds the CRM itself relies on (search,
// merge by address or number), and Telegram ids for callers that pass no
// IdentityKinds; a declared normalizer takes precedence.
var base = map[channels.IdentityKind]func(string) (string, error){
	channels.IdentityEmail:    NormalizeEmail,
	channels.IdentityPhone:    NormalizePhone,
	channels.IdentityTelegram: NormalizeTelegram,
}

// Normalize is NormalizeWith without declared identity kinds.
func Normalize(id channels.Identity) (channels.Identity, error) { return NormalizeWith(nil, id) }

// NormalizeWith returns id with its Kind lower-cased and its Value in the
// canonical form of that kind, so that equal handles compare equal: through
// the normalizer kinds declares for it, else emails through NormalizeEmail,
// phones through NormalizePhone and Telegram ids through NormalizeTelegram.
// The Value of any other kind (which must match [a-z0-9_]{1,32}) is only
// trimmed and must be non-empty valid UTF-8 of at most 255 bytes. Name is
// trimmed, its runs of whitespace collapsed, invalid UTF-8 replaced and
// invisible marks removed; ZWNJ and ZWJ are kept inside a name because
// Persian spelling and emoji need them. kinds may be nil. Errors wrap
// ErrInvalid.
func NormalizeWith(kinds IdentityKinds, id channels.Identity) (channels.Identity, error) {
	kind := channels.IdentityKind(strings.ToLower(strings.TrimSpace(string(id.Kind))))
	var value string
	var err error
	norm := base[kind]
	if kinds != nil {
		if s, ok := kinds.Identity(kind); ok && s.Normalize != nil {
			norm = s.Normalize
		}
	}
	switch {
	case kind == "":
		err = invalid("identity kind", string(id.Kind), "empty")
	case norm != nil:
		value, err = norm(id.Value)
	case !kindPattern.MatchString(string(kind)):
		err = invalid("identity kind", string(id.Kind), "must match [a-z0-9_]{1,32}")
	default:
		value, err = normalizeOther(string(kind), id.Value)
	}
	if err != nil {
		return channels.Identity{}, err
	}
	return channels.Identity{Kind: kind, Value: value, Name: cleanName(id.Name)}, nil
}

// NormalizeEmail returns the bare address of s in lower case, so
// "Sara Ahmadi <SARA@Example.COM>" becomes "sara@example.com". It drops
// surrounding whitespace and a display name (quoted or not) and folds
// Persian and Arabic digits. It rejects, with an error wrapping ErrInvalid,
// anything that is not one local@domain with non-empty parts, that contains
// spaces, control characters or the specials <>()[]\,;:", or that is longer
// than 254 bytes.
func NormalizeEmail(s string) (string, error) {
	fail := func(reason string) (string, error) { return "", invalid("email", s, reason) }
	if !utf8.ValidString(s) {
		return fail("not valid UTF-8")
	}
	addr := strings.TrimFunc(s, isBlank)
	if i := strings.LastIndexByte(addr, '<'); i >= 0 && strings.HasSuffix(addr, ">") {
		addr = strings.TrimFunc(addr[i+1:len(addr)-1], isBlank)
	}
	addr = strings.ToLower(FoldDigits(addr))
	local, domain, _ := strings.Cut(addr, "@")
	switch {
	case addr == "":
		return fail("empty")
	case strings.ContainsFunc(addr, unicode.IsSpace):
		return fail("contains spaces")
	case strings.ContainsFunc(addr, badEmailRune):
		r, _ := utf8.DecodeRuneInString(addr[strings.IndexFunc(addr, badEmailRune):])
		return fail(fmt.Sprintf("character %q not allowed", r))
	case !strings.Contains(addr, "@"):
		return fail("missing @")
	case strings.Contains(domain, "@"):
		return fail("more than one @")
	case local == "":
		return fail("empty local part")
	case domain == "":
		return fail("empty domain")
	case domain[0] == '.' || domain[len(domain)-1] == '.' || strings.Contains(domain, ".."):
		return fail("malformed domain")
	case len(addr) > 254:
		return fail("longer than 254 bytes")
	}
	return addr, nil
}

// NormalizePhone returns the E.164 form of the phone number s, reading
// numbers without a country code as Iranian: "0912 345 6789",
// "+98 912 345 6789", "0098…", "98912…" and "۰۹۱۲…" all give
// "+989123456789", while "+1 415 555 2671" gives "+14155552671". Persian
// and Arabic digits are folded first; spaces, dashes, dots, parentheses and
// invisible marks are ignored; any other character is an error.
//
// A valid number gives its E.164 form, and so does a possible one that is
// written in full (with "+", "00" or the national "0"). Anything else is
// kept as its bare digits without a plus, if there are at least 3 of them:
// Iranian SMS panels send from short codes like "3000" and "10008663",
// which are not phone numbers but must still identify the sender. A plus
// before a 0 is ignored ("+0912…" is an Iranian mobile); a number with a
// plus that is not possible, but whose digits would read as an Iranian
// number, is an error. No digits, fewer than 3, or more than 20 is an
// error too; every error wraps ErrInvalid.
func NormalizePhone(s string) (string, error) {
	fail := func(reason string) (string, error) { return "", invalid("phone", s, reason) }
	if !utf8.ValidString(s) {
		return fail("not valid UTF-8")
	}
	var digits []byte
	plus := false
	for _, r := range FoldDigits(s) {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '+' && !plus && len(digits) == 0:
			plus = true
		case r == '.' || r == '(' || r == ')' || unicode.Is(unicode.Pd, r) || isBlank(r):
		default:
			return fail(fmt.Sprintf("character %q not allowed", r))
		}
	}
	d := string(digits)
	switch {
	case d == "":
		return fail("no digits")
	case len(d) > 20:
		return fail("more than 20 digits")
	}
	plus = plus && d[0] != '0' // no country code starts with 0: "+0912…"
	if e, ok := iranMobile(d, plus); ok {
		return e, nil
	}
	if plus {
		if e, ok := toE164("+"+d, true); ok {
			return e, nil
		}
	}
	if e, ok := toE164(d, d[0] == '0'); ok {
		if plus {
			// "+44 1234" must not turn into the Iranian +98441234.
			return fail("not a valid international number")
		}
		return e, nil
	}
	if len(d) < 3 {
		return fail("too short")
	}
	return d, nil
}

// iranMobile is the fast path for the commonest shapes, an Iranian mobile
// written in full: 09xx…, +989xx… and 00989xx… (ten national digits
// starting with 9). phonenumbers gives the same answer for all of them (a
// test checks this) but costs tens of microseconds a number.
func iranMobile(d string, plus bool) (string, bool) {
	var national string
	switch {
	case !plus && len(d) == 11 && strings.HasPrefix(d, "09"):
		national = d[1:]
	case plus && len(d) == 12 && strings.HasPrefix(d, "989"):
		national = d[2:]
	case !plus && len(d) == 14 && strings.HasPrefix(d, "00989"):
		national = d[4:]
	default:
		return "", false
	}
	return "+98" + national, true
}

// toE164 formats number as E.164 if it is valid, or if full says it was
// written with a country code or trunk prefix and its length is possible.
// It accepts only a result that reads back as itself: some malformed
// numbers (national parts of zeros) format to a string that parses anew.
func toE164(number string, full bool) (string, bool) {
	e, ok := parseE164(number, full)
	if !ok {
		return "", false
	}
	if again, ok := parseE164(e, true); !ok || again != e {
		return "", false
	}
	return e, true
}

// parseE164 is toE164 without the read-back check.
func parseE164(number string, full bool) (string, bool) {
	n, err := phonenumbers.Parse(number, defaultRegion)
	if err != nil {
		return "", false
	}
	if phonenumbers.IsValidNumber(n) ||
		full && phonenumbers.IsPossibleNumberWithReason(n) == phonenumbers.IS_POSSIBLE {
		return phonenumbers.Format(n, phonenumbers.E164), true
	}
	return "", false
}

// NormalizeTelegram returns the Telegram user id s as a plain decimal
// number: trimmed, Persian and Arabic digits folded, an optional "tg:"
// prefix and leading zeros removed. The id must be a positive integer that
// fits in int64; otherwise the error wraps ErrInvalid.
func NormalizeTelegram(s string) (string, error) {
	return channels.NumericID("telegram", "tg:")(s)
}

// normalizeOther checks the value of an identity of a kind Peyk does not
// interpret; it is kept as given, only trimmed.
func normalizeOther(kind, s string) (string, error) {
	v := strings.TrimSpace(s)
	switch {
	case v == "":
		return "", invalid(kind+" identity", s, "empty")
	case len(v) > 255:
		return "", invalid(kind+" identity", s, "longer than 255 bytes")
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		// PostgreSQL text holds neither.
		return "", invalid(kind+" identity", s, "not valid UTF-8 text")
	}
	return v, nil
}

// cleanName returns a display name fit to store: valid UTF-8, single
// spaces, no control characters or invisible direction marks.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u200c' || r == '\u200d':
			return r
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.TrimFunc(strings.Join(strings.Fields(s), " "), isBlank)
}

// isBlank reports whether r is whitespace or an invisible format character
// (ZWNJ, a direction mark, a byte order mark), as pasted text often carries.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

// badEmailRune reports whether r may not appear in a bare email address.
func badEmailRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`<>()[]\,;:"`, r)
}

// invalidError is an ErrInvalid that says which input was wrong and why.
type invalidError struct {
	what, input, reason string
}

// invalid returns an error wrapping ErrInvalid, such as
// `crm: email "foo": missing @`.
func invalid(what, input, reason string) error {
	return &invalidError{what: what, input: input, reason: reason}
}

// Error returns the message, quoting at most 64 bytes of the input.
func (e *invalidError) Error() string {
	in := e.input
	if len(in) > 64 {
		i := 64
		for i > 0 && !utf8.RuneStart(in[i]) {
			i--
		}
		in = in[:i] + "…"
	}
	return fmt.Sprintf("crm: %s %q: %s", e.what, in, e.reason)
}

// Unwrap returns ErrInvalid.
func (e *invalidError) Unwrap() error { return ErrInvalid }
