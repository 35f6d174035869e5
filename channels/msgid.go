package channels

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// NewMessageID returns a new, unique email Message-ID, without angle
// brackets, on the domain of the address from ("Support <help@shop.ir>"
// gives peyk.…@shop.ir; no domain gives peyk.local). It is the one place
// Peyk makes Message-IDs: the inbox gives one to each email reply it
// stores, and the email sender to a message that has none.
func NewMessageID(from string) string {
	domain := "peyk.local"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		if d := strings.Trim(from[at+1:], "> "); d != "" {
			domain = d
		}
	}
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return "peyk." + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)) + "@" + domain
}
