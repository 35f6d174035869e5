package email

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var bracketed = regexp.MustCompile(`<([^<>]*)>`)

// msgIDs returns the message identifiers in a Message-ID, In-Reply-To or
// References value, without brackets and without repeats. It is lenient:
// ids without an @ or with a second @ are kept, and a value without
// brackets is split on white space and commas. Ids that could not be
// stored as one clean token (white space, control characters, invalid
// UTF-8, over 900 bytes) are dropped.
func msgIDs(v string) []string {
	var raw []string
	if ms := bracketed.FindAllStringSubmatch(v, -1); ms != nil {
		for _, m := range ms {
			raw = append(raw, m[1])
		}
	} else {
		raw = strings.FieldsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || r == ',' })
	}
	var ids []string
	seen := make(map[string]bool, len(raw))
	for _, id := range raw {
		id = strings.TrimSpace(id)
		if seen[id] || !cleanID(id) {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids
}

func cleanID(id string) bool {
	return id != "" && len(id) <= 900 && utf8.ValidString(id) && !strings.ContainsFunc(id, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	})
}

// maxRefs is how many References a message keeps: the thread's root and
// the most recent ones, which are the ones threading needs.
const maxRefs = 50

func trimRefs(refs []string) []string {
	if len(refs) <= maxRefs {
		return refs
	}
	return append(refs[:1:1], refs[len(refs)-maxRefs+1:]...)
}
