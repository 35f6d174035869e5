package email

import (
	"strings"

	"github.com/emersion/go-message/textproto"
)

// outOfOffice are subject phrases of out-of-office replies, lower case.
var outOfOffice = []string{
	"automatic reply", "auto reply", "auto-reply", "autoreply", "auto response",
	"out of office", "out of the office", "ooo:", "abwesend", "abwesenheit",
	"réponse automatique", "respuesta automática", "risposta automatica",
	"پاسخ خودکار", "خارج از دفتر", "پاسخ اتوماتیک", "رد آلي", "رد تلقائي",
}

// autoReply says why a mail was written by a machine, or "" when it looks
// like a person's. The rules, in order: Auto-Submitted other than "no"
// (RFC 3834); X-Autoreply or X-Autorespond; Precedence bulk, junk,
// auto_reply or list; Microsoft's X-Auto-Response-Suppress with an
// out-of-office subject; a multipart/report (bounce, read receipt); an
// X-Failed-Recipients header or a MAILER-DAEMON sender (bounces in other
// shapes); a null Return-Path.
func autoReply(h textproto.Header, subject, from string, isReport bool) string {
	if v := firstWord(h.Get("Auto-Submitted")); v != "" && v != "no" {
		return "auto-submitted"
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder"} {
		if h.Has(k) && firstWord(h.Get(k)) != "no" {
			return strings.ToLower(k)
		}
	}
	switch firstWord(h.Get("Precedence")) {
	case "bulk", "junk", "auto_reply", "list":
		return "precedence"
	}
	if sup := strings.ToLower(h.Get("X-Auto-Response-Suppress")); strings.Contains(sup, "all") || strings.Contains(sup, "oof") {
		subj := strings.ToLower(subject)
		for _, p := range outOfOffice {
			if strings.Contains(subj, p) {
				return "out-of-office"
			}
		}
	}
	if isReport {
		return "report"
	}
	if h.Has("X-Failed-Recipients") {
		return "bounce"
	}
	if local, _, _ := strings.Cut(strings.ToLower(from), "@"); local == "mailer-daemon" {
		return "mailer-daemon"
	}
	if rp := strings.TrimSpace(h.Get("Return-Path")); rp == "<>" {
		return "null-return-path"
	}
	return ""
}

// firstWord returns the lower-cased value up to the first ';', space or
// comment.
func firstWord(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, "; \t("); i >= 0 {
		v = v[:i]
	}
	return v
}
