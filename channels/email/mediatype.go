package email

import (
	"mime"
	"regexp"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// mediaParam finds the parameters that matter in a header mime cannot parse.
var mediaParam = regexp.MustCompile(`(?i)\b(boundary|charset|name|filename|report-type)\s*=\s*("([^"]*)"?|[^;\s]+)`)

// mediaType parses a Content-Type or Content-Disposition value leniently:
// the type in lower case and its parameters, or def when the field is
// empty or has no usable type. Broken parameter syntax (an unclosed quote)
// still yields the boundary, charset and names.
func mediaType(v, def string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return def, map[string]string{}
	}
	t, params, err := mime.ParseMediaType(v)
	if err == nil {
		return strings.ToLower(t), params
	}
	t, _, _ = strings.Cut(v, ";")
	t = strings.ToLower(strings.TrimSpace(t))
	params = map[string]string{}
	for _, m := range mediaParam.FindAllStringSubmatch(v, -1) {
		val := m[2]
		if strings.HasPrefix(val, `"`) {
			val = m[3]
		}
		params[strings.ToLower(m[1])] = val
	}
	switch {
	case t == "text":
		t = "text/plain"
	case t == "" || !strings.Contains(t, "/") || strings.ContainsAny(t, " \t\"'"):
		t = def
	}
	return t, params
}

// partInfo is what a MIME part's header says about it.
type partInfo struct {
	typ, disposition string
	params           map[string]string
	filename         string
	contentID        string
}

func readPartInfo(h textproto.Header, def, hint string) partInfo {
	var p partInfo
	p.typ, p.params = mediaType(h.Get("Content-Type"), def)
	var dparams map[string]string
	p.disposition, dparams = mediaType(h.Get("Content-Disposition"), "")
	name := dparams["filename"]
	if name == "" {
		name = p.params["name"]
	}
	if name != "" {
		p.filename = cleanFilename(decodeWords(name, hint))
	}
	p.contentID = strings.Trim(strings.TrimSpace(h.Get("Content-Id")), "<>")
	return p
}

// cleanFilename keeps the last path element of a file name and drops
// control characters.
func cleanFilename(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// extension returns a file extension for the types mail commonly carries
// without a file name.
func extension(typ string) string {
	switch typ {
	case "image/png":
		return ".png"
	case "image/jpeg", "image/jpg", "image/pjpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "application/pdf":
		return ".pdf"
	case "message/rfc822", "message/global":
		return ".eml"
	case "text/calendar":
		return ".ics"
	case "text/plain":
		return ".txt"
	case "text/html":
		return ".html"
	}
	return ".bin"
}
