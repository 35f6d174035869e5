package email

import (
	"regexp"
	"strings"
)

// replyPrefix matches the reply and forward prefixes mail clients put in
// front of a subject, in the languages Peyk's users write in: Re, Fwd, Fw,
// AW, WG, SV, VS, RE[2], «پاسخ:», «هدایت:», «رد:».
var replyPrefix = regexp.MustCompile(`(?i)^\s*(re|fwd?|aw|wg|sv|vs|antw|réf|tr|پاسخ|هدایت|ارسال مجدد|رد)\s*(\[\d+\]|\(\d+\))?\s*[:：]`)

// replySubject is the subject of a reply: the subject with «Re: » in front
// unless it already starts with a reply or forward prefix. A «[#ref]» in it
// stays as it is. An empty subject stays empty.
func replySubject(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || replyPrefix.MatchString(s) {
		return s
	}
	return "Re: " + s
}
