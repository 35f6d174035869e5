package email

import (
	"regexp"
	"strconv"
	"strings"
)

// replyPrefix matches the reply and forward prefixes mail clients put in
// front of a subject, in the languages Peyk's users write in: Re, Fwd, Fw,
// AW, WG, SV, VS, RE[2], «پاسخ:», «هدایت:», «رد:».
var replyPrefix = regexp.MustCompile(`(?i)^\s*(re|fwd?|aw|wg|sv|vs|antw|réf|tr|پاسخ|هدایت|ارسال مجدد|رد)\s*(\[\d+\]|\(\d+\))?\s*[:：]`)

// replySubject is the subject of a reply: the subject with «Re: » in front
// unless it already starts with a reply or forward prefix, and the
// conversation's reference «[#ref]» at the end unless it is in it already
// (ref 0 adds none), so that an answer stripped of its threading headers
// still finds its conversation. An empty subject with no ref stays empty.
func replySubject(s string, ref int64) string {
	s = strings.TrimSpace(s)
	if ref > 0 {
		tag := "[#" + strconv.FormatInt(ref, 10) + "]"
		if !strings.Contains(s, tag) {
			s = strings.TrimSpace(s + " " + tag)
		}
	}
	if s == "" || replyPrefix.MatchString(s) {
		return s
	}
	return "Re: " + s
}
