package gateways_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/gateways"
)

// The SMS kind's settings: each gateway takes only its own fields, and
// secrets inside other fields (a password in the send URL, a header) are
// masked in the public config and kept whole among the secrets.
func TestSettings(t *testing.T) {
	d := gateways.Driver()
	for _, tc := range []struct{ name, raw, err string }{
		{"twilio", `{"driver":"twilio","account_sid":"AC1","auth_token":"tok","from":"+15550001111"}`, ""},
		{"kavenegar polling", `{"driver":"kavenegar","api_key":"k","sender":"10008663","poll_seconds":30}`, ""},
		{"no driver", `{"api_key":"k"}`, "driver is required"},
		{"other gateway's field", `{"driver":"kavenegar","api_key":"k","account_sid":"AC1"}`, "account_sid"},
		{"wrong type", `{"driver":"kavenegar","api_key":"k","poll_seconds":"often"}`, "poll_seconds: want a whole number"},
		{"unknown driver", `{"driver":"pigeon"}`, "want one of twilio, kavenegar, generic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.Check(json.RawMessage(tc.raw))
			if (tc.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Check: %v, want %q", err, tc.err)
			}
			if err != nil && len(channels.FieldErrors(err)) == 0 {
				t.Errorf("Check: %v names no field", err)
			}
		})
	}
	raw := `{"driver":"generic","send_url":"https://sms.example/send?user=peyk&password=hunter22&to={{.To}}",
		"headers":{"Authorization":"Bearer abc123"},"secret":"hook-secret","inbound":{"from":"msisdn"}}`
	full, err := d.Check(json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	public, secrets, err := d.Split(full)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := json.Marshal(public)
	for _, secret := range []string{"hunter22", "abc123", "hook-secret"} {
		if strings.Contains(string(pub), secret) {
			t.Errorf("public config shows %q: %s", secret, pub)
		}
	}
	if !strings.Contains(string(pub), "msisdn") {
		t.Errorf("public config lost a plain field: %s", pub)
	}
	var url string
	if err := json.Unmarshal(secrets["send_url"], &url); err != nil || !strings.Contains(url, "hunter22") {
		t.Errorf("secrets keep send_url as %q (%v); want it whole", url, err)
	}
	if _, ok := secrets["secret"]; !ok {
		t.Error("the webhook secret is not among the secrets")
	}
}
