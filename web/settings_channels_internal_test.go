package web

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/email"
	"github.com/peykhq/peyk/channels/sms/gateways"
	"github.com/peykhq/peyk/channels/telegram"
)

// TestChannelReasonKeys: every reason a settings check or a connection
// test can give has its sentence in the catalogue.
func TestChannelReasonKeys(t *testing.T) {
	keys := []string{channels.ReasonRequired, channels.ReasonUnknown, channels.ReasonString, channels.ReasonInt,
		channels.ReasonBool, channels.ReasonDuration, channels.ReasonEnum, channels.ReasonURL, channels.ReasonList,
		channels.ReasonMap, channels.ReasonObject, channels.ReasonMasked, email.ReasonPort, email.ReasonAddress, email.ReasonPlusTag, email.ReasonBatch,
		gateways.ReasonNotThisGateway, telegram.ReasonProxy, telegram.ReasonHTTPS, telegram.ReasonPollTimeout, telegram.ReasonToken, telegram.ReasonSecret,
		"channels.test.failed", "channels.test.timeout", "channels.note.plus_ok", "channels.note.plus_refused", "channels.note.plus_unknown"}
	for _, r := range testReasons {
		keys = append(keys, r.key)
	}
	for _, k := range keys {
		if _, ok := messages[k]; !ok {
			t.Errorf("no sentence for %q", k)
		}
	}
}

// TestTestReason: a failed connection test is told by its step, in
// words; what is not recognized falls back to the server log.
func TestTestReason(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{errors.New("email: imap login: authentication failed"), "channels.test.imap_login"},
		{errors.New("email: smtp connect: dial tcp 127.0.0.1:1: connect: connection refused"), "channels.test.smtp_connect"},
		{fmt.Errorf("telegram: getMe: 401 Unauthorized: %w", channels.ErrPermanent), "channels.test.token"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), "channels.test.timeout"},
		{errors.New("dial tcp: lookup nowhere.invalid: no such host"), "channels.test.host"},
		{errors.New("something else"), "channels.test.failed"},
	} {
		if got := testReason(c.err); got != c.want {
			t.Errorf("testReason(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}
