package email

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// TestExternalIDIsRawBody: an inbound mail's external id is its
// Message-ID and a digest of its raw body, line ends normalized, so it
// does not change when a later release parses the mail differently; the
// same body with other headers, or with LF line ends, has the same id;
// another body has another.
func TestExternalIDIsRawBody(t *testing.T) {
	mail := "From: a@example.net\r\nTo: support@example.com\r\nSubject: Hi\r\nMessage-ID: <id-1@example.net>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nCaf\xe9 ol\xe9\r\n--b--\r\n"
	raw := mail[strings.Index(mail, "\r\n\r\n")+4:]
	sum := sha256.Sum256([]byte(strings.TrimRight(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")))
	want := "id-1@example.net#" + hex.EncodeToString(sum[:16])
	for _, c := range []struct {
		name string
		mail string
		same bool
	}{
		{"as fetched", mail, true},
		{"again through another relay", "Received: from mx2.example.net by mx.example.com\r\nDelivered-To: support@example.com\r\n" + mail, true},
		{"with LF line ends", strings.ReplaceAll(mail, "\r\n", "\n"), true},
		{"with a trailing line end", mail + "\r\n", true},
		{"another body", strings.Replace(mail, "ol\xe9", "ole", 1), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, _, _ := Parse([]byte(c.mail), "support@example.com")
			if (in.ExternalID == want) != c.same {
				t.Errorf("external id %q, want it %v to %q", in.ExternalID, map[bool]string{true: "equal", false: "unequal"}[c.same], want)
			}
			if len(in.Aliases) != 1 || in.Aliases[0] != "id-1@example.net#"+contentSum(in) {
				t.Errorf("aliases %q, want the parsed-content id", in.Aliases)
			}
		})
	}
}

// TestReceiverKnowsParsedDigestIDs: mail stored when external ids carried
// a digest of the parsed content is known again when its mailbox is read
// again (a new UIDVALIDITY), not stored twice.
func TestReceiverKnowsParsedDigestIDs(t *testing.T) {
	t.Parallel()
	srv := newIMAPServer(t, imapServerOptions{})
	ib := newTestInbox(t)
	ctx := context.Background()
	raw := customerMail("a@example.net", "support@example.com", "Order", "kept@example.net", "", "first mail")
	in, _, err := Parse(raw, "support@example.com")
	if err != nil {
		t.Fatal(err)
	}
	// As the receiver stored it before: the id of the parsed content.
	in.ExternalID, in.Aliases, in.ChannelID = "kept@example.net#"+contentSum(in), nil, ib.channel
	if err := ib.Ingest(ctx, []channels.Inbound{in}); err != nil {
		t.Fatal(err)
	}
	srv.appendMail(t, raw)
	srv.appendMail(t, customerMail("b@example.net", "support@example.com", "Other", "other@example.net", "", "other"))
	startReceiver(t, newTestReceiver(t, srv, ib.channel, nil), "", ib)
	waitFor(t, "the cursor at UID 2", func() bool {
		cur, _ := parseCursor(ib.cursor(t))
		return cur.last == 2
	})
	if n := ib.scalar(t, `SELECT count(*) FROM messages WHERE channel_id = $1 AND message_id = 'kept@example.net'`, ib.channel); n != 1 {
		t.Errorf("the mail stored before is stored %d times, want once", n)
	}
	if n := ib.count(t); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
}
