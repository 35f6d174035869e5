package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/peykhq/peyk/channels"
)

// channelTestView is the verdict of a connection test as the edit page
// shows it: in the page's language, never the error's own words (those
// go to the server log).
type channelTestView struct {
	OK, Applicable bool
	Reason         string
	Notes          []string
}

// channelTest runs a channel's connection test and shows the edit page
// with its verdict.
func (u *ui) channelTest(w http.ResponseWriter, r *http.Request) {
	ch, d, values, set, err := u.editing(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	tr := translator{fa: locale(r) == "fa"}
	ctx, notes := channels.WithNotes(r.Context())
	err = u.Channels.Test(ctx, ch.ID)
	v := &channelTestView{OK: err == nil, Applicable: !errors.Is(err, ErrNotApplicable)}
	if !v.Applicable {
		v.OK = true
	}
	if err != nil && v.Applicable {
		if status, _ := statusOf(err); status < http.StatusInternalServerError {
			u.fail(w, r, err)
			return
		}
		u.log.Warn("channel test failed", "channel_id", ch.ID, "err", err)
		v.Reason = tr.t(testReason(err))
	}
	for _, n := range notes.List() {
		v.Notes = append(v.Notes, tr.t(noteReason(n)))
	}
	u.showEdit(w, r, http.StatusOK, ch, d, values, set, v, nil)
}

// testReasons map the steps a connection test names in its error (see
// email.Tester.Test, the Telegram bot's getMe) to catalogue keys, the
// first that matches winning.
var testReasons = []struct{ contains, key string }{
	{"smtp plus address", "channels.test.plus"},
	{"imap connect", "channels.test.imap_connect"},
	{"imap login", "channels.test.imap_login"},
	{"imap select", "channels.test.imap_select"},
	{"smtp connect", "channels.test.smtp_connect"},
	{"smtp auth", "channels.test.smtp_auth"},
	{"getMe: 401", "channels.test.token"},
	{"getMe: 404", "channels.test.token"},
	{"x509", "channels.test.tls"},
	{"tls:", "channels.test.tls"},
	{"no such host", "channels.test.host"},
	{"connection refused", "channels.test.refused"},
	{"401", "channels.test.credentials"},
	{"403", "channels.test.credentials"},
}

// testReason returns the catalogue key of the sentence that says why a
// connection test failed.
func testReason(err error) string {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return "channels.test.timeout"
	}
	msg := err.Error()
	for _, tr := range testReasons {
		if strings.Contains(msg, tr.contains) {
			return tr.key
		}
	}
	return "channels.test.failed"
}

// noteReason returns the catalogue key of a test's note (the email
// plus-address probe's line, email.PlusProbe.String).
func noteReason(note string) string {
	switch {
	case strings.Contains(note, "the server accepts"):
		return "channels.note.plus_ok"
	case strings.Contains(note, "the server refuses"):
		return "channels.note.plus_refused"
	}
	return "channels.note.plus_unknown"
}
