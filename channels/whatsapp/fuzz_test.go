package whatsapp

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/peykhq/peyk/channels/whatsapp/whatsapptest"
)

// FuzzParse parses arbitrary bodies: nothing panics, and every event is
// either ignored or a well-formed Inbound or Update.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./channels/whatsapp/
func FuzzParse(f *testing.F) {
	for _, name := range whatsapptest.Names() {
		f.Add(whatsapptest.Payload(name))
	}
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"object":"whatsapp_business_account"}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"+98912","id":"w","timestamp":-1,"type":"image","image":{}}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"989121234567","id":"w","timestamp":"99999999999","type":"location","location":{"latitude":1e308,"longitude":-1e308}}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"contacts":[{"wa_id":"\u0000"},{}],"messages":[{"from":"98912\u0000","id":"\ud800","type":"contacts","contacts":[{}]}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[{"id":"w","status":"failed","errors":[{}]}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"989121234567","id":"w","type":"system","system":{"type":"user_changed_number","new_wa_id":"` + strings.Repeat("9", 40) + `"}}]}}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := Parse(1, "", body)
		if err != nil {
			return
		}
		for _, ev := range evs {
			switch {
			case ev.Inbound != nil:
				in := ev.Inbound
				if in.ExternalID == "" || in.From.Kind != Identity || in.From.Value == "" || len(in.Also) == 0 {
					t.Fatalf("inbound %+v", in)
				}
				if in.Text == "" && len(in.Attachments) == 0 {
					t.Fatalf("empty inbound %+v from %q", in, body)
				}
				if (ev.Media != nil) != (len(in.Attachments) == 1) {
					t.Fatalf("media %+v, attachments %+v", ev.Media, in.Attachments)
				}
				if utf8.ValidString(string(body)) && !utf8.ValidString(in.Text) {
					t.Fatalf("invalid text %q", in.Text)
				}
			case ev.Update != nil:
				if ev.Update.ExternalID == "" || ev.Update.Status == "" {
					t.Fatalf("update %+v", ev.Update)
				}
			case ev.Ignored == "":
				t.Fatalf("event with nothing and no reason: %+v", ev)
			}
		}
	})
}
