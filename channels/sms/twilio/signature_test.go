package twilio_test

import (
	"net/url"
	"testing"

	"github.com/peykhq/peyk/channels/sms/twilio"
)

// Twilio's documented signature examples. Both follow the documented
// algorithm (HMAC-SHA1 with the auth token over the URL and the sorted
// name+value pairs, base64): the webhook security page's example uses the
// caller +14158675310 and signs GvWf1cFY/Q7PnoempGyD5oXAezc=; Twilio's
// helper libraries (twilio-php, twilio-csharp RequestValidatorTest) use
// +14158675309 and RSOYDt4T1cUTdK1PDd93/VVr8B8=. (The same parameters with
// the caller +12349013030 sign neither.)
func TestSignatureDocumentedVectors(t *testing.T) {
	const docURL = "https://mycompany.com/myapp.php?foo=1&bar=2"
	params := func(caller string) url.Values {
		return url.Values{
			"CallSid": {"CA1234567890ABCDE"},
			"Caller":  {caller},
			"Digits":  {"1234"},
			"From":    {caller},
			"To":      {"+18005551212"},
		}
	}
	for _, tc := range []struct {
		caller, want string
	}{
		{"+14158675310", "GvWf1cFY/Q7PnoempGyD5oXAezc="},
		{"+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
	} {
		form := params(tc.caller)
		if got := twilio.Signature("12345", docURL, form); got != tc.want {
			t.Errorf("Signature(caller %s) = %s, want %s", tc.caller, got, tc.want)
		}
		if !twilio.ValidSignature("12345", tc.want, docURL, form) {
			t.Errorf("ValidSignature(caller %s) = false", tc.caller)
		}
	}
}

func TestValidSignature(t *testing.T) {
	const u = "https://peyk.example.com/webhooks/twilio/sms?channel=3"
	form := url.Values{"MessageSid": {"SM1"}, "From": {"+989121234567"}, "Body": {"سلام"}}
	good := twilio.Signature("tok", u, form)
	for _, tc := range []struct {
		name            string
		token, sig, url string
		form            url.Values
		want            bool
	}{
		{"good", "tok", good, u, form, true},
		{"default port added", "tok", good, "https://peyk.example.com:443/webhooks/twilio/sms?channel=3", form, true},
		{"signed with port", "tok", twilio.Signature("tok", "https://peyk.example.com:443/webhooks/twilio/sms?channel=3", form), u, form, true},
		{"other port", "tok", good, "https://peyk.example.com:8443/webhooks/twilio/sms?channel=3", form, false},
		{"wrong token", "other", good, u, form, false},
		{"empty token", "", good, u, form, false},
		{"empty signature", "tok", "", u, form, false},
		{"http instead of https", "tok", good, "http://peyk.example.com/webhooks/twilio/sms?channel=3", form, false},
		{"other query", "tok", good, u + "&x=1", form, false},
		{"tampered body", "tok", good, u, url.Values{"MessageSid": {"SM1"}, "From": {"+989121234567"}, "Body": {"سلام!"}}, false},
		{"extra field", "tok", good, u, url.Values{"MessageSid": {"SM1"}, "From": {"+989121234567"}, "Body": {"سلام"}, "X": {""}}, false},
		{"truncated signature", "tok", good[:len(good)-1], u, form, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := twilio.ValidSignature(tc.token, tc.sig, tc.url, tc.form); got != tc.want {
				t.Errorf("ValidSignature = %v, want %v", got, tc.want)
			}
		})
	}
}

// A field sent more than once contributes each distinct value, sorted, as
// Twilio's helper libraries compute it.
func TestSignatureRepeatedFields(t *testing.T) {
	form := url.Values{"Sid": {"CA123"}, "SidAccount": {"AC123"}, "Digits": {"5678", "1234", "1234"}}
	const want = "IK+Dwps556ElfBT0I3Rgjkr1wJU="
	if got := twilio.Signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form); got != want {
		t.Errorf("Signature = %s, want %s", got, want)
	}
}
