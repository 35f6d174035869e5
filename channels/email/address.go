package email

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// address is one parsed mailbox of an address header.
type address struct {
	Name, Addr string
}

// addrSpec finds bare addresses in a header that does not parse.
var addrSpec = regexp.MustCompile(`[^\s<>()\[\]\\,;:"']+@[^\s<>()\[\]\\,;:"']+`)

// addresses parses the address list of header key. It is lenient: when the
// field is not RFC 5322 it picks out whatever looks like local@domain and
// takes the text before it as the display name. Addresses that could never
// be a customer identity are left out.
func addresses(h textproto.Header, key string, hint string) []address {
	var out []address
	for _, v := range h.Values(key) {
		out = append(out, parseAddresses(v, hint)...)
	}
	return out
}

func parseAddresses(v, hint string) []address {
	var out []address
	if list, err := mail.ParseAddressList(v); err == nil {
		for _, a := range list {
			if usableAddress(a.Address) {
				out = append(out, address{Name: cleanName(a.Name), Addr: a.Address})
			}
		}
		return out
	}
	v = decodeWords(v, hint)
	prev := 0
	for _, loc := range addrSpec.FindAllStringIndex(v, -1) {
		a := strings.Trim(v[loc[0]:loc[1]], ".")
		name := v[prev:loc[0]]
		if i := strings.LastIndexAny(name, ",;"); i >= 0 {
			name = name[i+1:]
		}
		prev = loc[1]
		if usableAddress(a) {
			out = append(out, address{Name: cleanName(name), Addr: a})
		}
	}
	return out
}

// cleanName tidies a display name: no quotes, brackets or surrounding
// space, valid UTF-8, and empty when it only repeats an address.
func cleanName(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"'<>`, r) || unicode.IsControl(r)
	})
	if strings.Contains(s, "@") && !strings.ContainsRune(s, ' ') {
		return ""
	}
	return strings.Join(strings.Fields(s), " ")
}

// usableAddress reports whether a is one plain local@domain the CRM will
// accept as an identity.
func usableAddress(a string) bool {
	if a == "" || len(a) > 254 || !utf8.ValidString(a) {
		return false
	}
	if strings.ContainsFunc(a, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
			strings.ContainsRune(`<>()[]\,;:"`, r)
	}) {
		return false
	}
	local, domain, ok := strings.Cut(a, "@")
	return ok && local != "" && domain != "" && !strings.Contains(domain, "@") &&
		domain[0] != '.' && domain[len(domain)-1] != '.' && !strings.Contains(domain, "..")
}

// plusToken returns the reply token of addr when it is own plus-addressed
// (support+TOKEN@example.com for own support@example.com).
func plusToken(addr, own string) string {
	ol, od, ok := strings.Cut(strings.ToLower(own), "@")
	if !ok || ol == "" {
		return ""
	}
	l, d, ok := strings.Cut(strings.ToLower(addr), "@")
	if !ok || d != od || !strings.HasPrefix(l, ol+"+") {
		return ""
	}
	tok := l[len(ol)+1:]
	if tok == "" || len(tok) > 100 || strings.ContainsFunc(tok, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}) {
		return ""
	}
	return tok
}

// isOwn reports whether addr is own or own plus-addressed.
func isOwn(addr, own string) bool {
	return own != "" && (strings.EqualFold(addr, own) || plusToken(addr, own) != "")
}

// plusAddress is own with tag added to its local part:
// support@example.com and TOKEN make support+TOKEN@example.com.
func plusAddress(own, tag string) string {
	local, domain, _ := strings.Cut(own, "@")
	return local + "+" + tag + "@" + domain
}
