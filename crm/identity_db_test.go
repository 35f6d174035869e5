package crm_test

import (
	"testing"

	"github.com/peykhq/peyk/channels"
)

// TestResolveStoresNormalizedIdentity resolves each raw identity on a real
// PostgreSQL and checks the identity row that results.
func TestResolveStoresNormalizedIdentity(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	tests := []struct {
		name string
		id   channels.Identity
		want string
	}{
		{"mobile national", phone("09123456789"), "+989123456789"},
		{"mobile spaced", phone("0912 345 6789"), "+989123456789"},
		{"mobile dashed", phone("0912-345-6789"), "+989123456789"},
		{"mobile e164", phone("+989123456789"), "+989123456789"},
		{"mobile 0098", phone("00989123456789"), "+989123456789"},
		{"mobile 98 without plus", phone("989123456789"), "+989123456789"},
		{"mobile persian digits", phone("۰۹۱۲۳۴۵۶۷۸۹"), "+989123456789"},
		{"mobile arabic digits", phone("٠٩١٢٣٤٥٦٧٨٩"), "+989123456789"},
		{"mobile mixed digits", phone("۰۹12٣۴۵6789"), "+989123456789"},
		{"mobile persian with plus", phone("+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹"), "+989123456789"},
		{"mobile parentheses", phone("+98 (912) 345 6789"), "+989123456789"},
		{"irancell", phone("09351234567"), "+989351234567"},
		{"rightel", phone("0921 123 4567"), "+989211234567"},
		{"tehran landline", phone("021 8888 1234"), "+982188881234"},
		{"tehran landline persian", phone("۰۲۱-۸۸۸۸۱۲۳۴"), "+982188881234"},
		{"isfahan landline", phone("031 3222 1234"), "+983132221234"},
		{"us number", phone("+1 415 555 2671"), "+14155552671"},
		{"uk number", phone("+44 20 7946 0958"), "+442079460958"},
		{"german number", phone("+49 30 901820"), "+4930901820"},
		{"uk via 00", phone("0044 20 7946 0958"), "+442079460958"},
		{"sms short code", phone("3000"), "3000"},
		{"sms panel line", phone("10008663"), "10008663"},
		{"sms short code persian", phone("۳۰۰۰۱۲"), "300012"},
		{"email plain", email("sara@example.com"), "sara@example.com"},
		{"email upper case", email("SARA@EXAMPLE.COM"), "sara@example.com"},
		{"email display name", email("Sara Ahmadi <Sara@Example.com>"), "sara@example.com"},
		{"email quoted name", email(`"Ahmadi, Sara" <sara@example.ir>`), "sara@example.ir"},
		{"email white space", email("  ali@example.ir \n"), "ali@example.ir"},
		{"email persian name", email("سارا احمدی <sara@shop.ir>"), "sara@shop.ir"},
		{"telegram id", telegram("123456789"), "123456789"},
		{"telegram persian digits", telegram("۱۲۳۴۵۶۷۸۹"), "123456789"},
		{"telegram prefixed", telegram("tg:987654321"), "987654321"},
		{"telegram leading zero", telegram("0042"), "42"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := get(t, s, resolve(t, s, tc.id))
			found := false
			for _, id := range c.Identities {
				if id.Kind == string(tc.id.Kind) && id.Value == tc.want {
					found = true
				}
			}
			if !found {
				t.Fatalf("Resolve(%q): identities %v, want %s %s", tc.id.Value, identities(c), tc.id.Kind, tc.want)
			}
		})
	}
}
