package phonelog_test

import (
	"io"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels/phonelog"
)

// TestCallerIDPlaceholders: a caller id whose name or number is a
// placeholder ("Unknown", "anonymous"…) names no contact, and an inbound
// call without a caller number is skipped (counted, not a bad row), as an
// internal call is. An outbound call without a callee stays a bad row.
func TestCallerIDPlaceholders(t *testing.T) {
	tests := []struct {
		name, src, dst, clid string
		want                 string // "name|number" of the customer, "skip" or an error
	}{
		{"Unknown name, real number", "09381234567", "100", `"Unknown" <09381234567>`, "|09381234567"},
		{"Unknown name, number only in clid", "", "100", `"Unknown" <09381234567>`, "|09381234567"},
		{"UNKNOWN in capitals", "09381234567", "100", `"UNKNOWN" <09381234567>`, "|09381234567"},
		{"CID unavailable", "09381234567", "100", `"CID Unavailable" <09381234567>`, "|09381234567"},
		{"Persian unknown", "09381234567", "100", `"ناشناس" <09381234567>`, "|09381234567"},
		{"Asterisk's default name", "09381234567", "100", `"asterisk" <09381234567>`, "|09381234567"},
		{"real name kept", "09381234567", "100", `"Unknown Pleasures Ltd" <09381234567>`, "Unknown Pleasures Ltd|09381234567"},
		{"anonymous caller", "anonymous", "100", `"Anonymous" <anonymous>`, "skip"},
		{"Unknown number", "Unknown", "100", `"Unknown" <Unknown>`, "skip"},
		{"restricted number", "Restricted", "100", `"" <Restricted>`, "skip"},
		{"no number at all", "", "100", ``, "skip"},
		{"internal caller", "101", "102", `"Reception" <101>`, "skip"},
		{"internal caller, no name", "101", "100", ``, "skip"},
		{"garbage number is still bad", "abc", "100", `"X" <abc>`, `customer number "abc" is not a phone number`},
		{"outbound without callee is bad", "101", "", `"Reception" <101>`, "no customer number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := `"","` + tt.src + `","` + tt.dst + `","c","` + strings.ReplaceAll(tt.clid, `"`, `""`) +
				`","SIP/a","SIP/b","Dial","","2026-03-21 09:00:00","","2026-03-21 09:00:10",10,0,"NO ANSWER","DOCUMENTATION"` + "\n"
			rd, err := phonelog.NewReader(strings.NewReader(row), phonelog.Asterisk, 7, testConfig)
			if err != nil {
				t.Fatal(err)
			}
			in, err := rd.Next()
			var got string
			switch {
			case err == io.EOF && rd.Skipped() == 1:
				got = "skip"
			case err != nil:
				got = err.Error()
			default:
				got = in.From.Name + "|" + in.From.Value
			}
			if got != tt.want && !(tt.want != "skip" && strings.Contains(got, tt.want) && err != nil) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
