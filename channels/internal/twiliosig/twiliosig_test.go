package twiliosig

import (
	"net/url"
	"testing"
)

func TestSignature(t *testing.T) {
	// Twilio's documented example.
	form := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675310"}, "Digits": {"1234"},
		"From": {"+14158675310"}, "To": {"+18005551212"}}
	const u, want = "https://mycompany.com/myapp.php?foo=1&bar=2", "GvWf1cFY/Q7PnoempGyD5oXAezc="
	if got := Signature("12345", u, form); got != want {
		t.Fatalf("Signature = %s, want %s", got, want)
	}
	cases := []struct {
		name, token, sig, url string
		want                  bool
	}{
		{"as signed", "12345", want, u, true},
		{"default port added", "12345", want, "https://mycompany.com:443/myapp.php?foo=1&bar=2", true},
		{"other host", "12345", want, "https://evil.example/myapp.php?foo=1&bar=2", false},
		{"wrong token", "54321", want, u, false},
		{"no signature", "12345", "", u, false},
		{"no token", "", want, u, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Valid(tc.token, tc.sig, tc.url, form); got != tc.want {
				t.Fatalf("Valid = %v, want %v", got, tc.want)
			}
		})
	}
}
