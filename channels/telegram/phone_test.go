package telegram

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// A customer known by SMS shares their own phone number on Telegram: the
// Telegram identity joins the SMS contact, whose timeline then spans both
// channels. A contact card of someone else links nothing.
func TestSharedPhoneJoinsContact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		updates []string
	}{
		{name: "shares first", updates: []string{"contact_own", "contact_other", "text"}},
		// Wrote first: a Telegram-only contact exists when the phone is
		// shared, and the inbox merges it into the phone's contact.
		{name: "wrote first", updates: []string{"text", "contact_other", "contact_own"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := context.Background()
			sms, err := e.ib.CreateChannel(ctx, channels.SMS, "kavenegar", nil)
			if err != nil {
				t.Fatal(err)
			}
			err = e.ib.Ingest(ctx, []channels.Inbound{{ChannelID: sms, ExternalID: "sms-1",
				From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}, Text: "سلام، سفارشم کجاست؟"}})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(NewWebhook(e.ch, testSecret, e.ib, nil))
			defer srv.Close()
			for _, name := range tt.updates {
				body, _ := update(t, name)
				if status, reason := post(t, srv.URL, testSecret, body); status != 200 {
					t.Fatalf("%s: %d %s", name, status, reason)
				}
			}
			if n := e.count(t, `SELECT count(*) FROM contact_identities WHERE value = '+989351112233'`); n != 0 {
				t.Errorf("someone else's number became an identity")
			}
			var contacts int
			var idents []string
			err = e.pool.QueryRow(ctx, `SELECT count(DISTINCT contact_id), array_agg(kind || ':' || value ORDER BY kind)
				FROM contact_identities`).Scan(&contacts, &idents)
			if err != nil {
				t.Fatal(err)
			}
			if contacts != 1 || len(idents) != 2 || idents[0] != "phone:+989121234567" || idents[1] != "telegram:7001" {
				t.Fatalf("%d contacts with identities %v, want one with phone:+989121234567 and telegram:7001", contacts, idents)
			}
			var onContact, chans int
			err = e.pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT channel_id) FROM conversations`).Scan(&onContact, &chans)
			if err != nil || onContact != 2 || chans != 2 {
				t.Fatalf("%d conversations on %d channels (%v), want one on each channel", onContact, chans, err)
			}
		})
	}
}
