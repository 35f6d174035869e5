package crm

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/peykhq/peyk/channels"
)

func TestNormalize(t *testing.T) {
	const (
		email    = channels.IdentityEmail
		phone    = channels.IdentityPhone
		telegram = channels.IdentityTelegram
	)
	tests := []struct {
		name  string
		in    channels.Identity
		want  channels.Identity // zero when an error is expected
		wantE string            // a substring of the error message
	}{
		// Email.
		{"email plain", channels.Identity{Kind: email, Value: "sara@example.com"}, channels.Identity{Kind: email, Value: "sara@example.com"}, ""},
		{"email display name", channels.Identity{Kind: email, Value: "Sara Ahmadi <SARA@Example.COM>"}, channels.Identity{Kind: email, Value: "sara@example.com"}, ""},
		{"email quoted display name", channels.Identity{Kind: email, Value: `"Ahmadi, Sara" <x@y.ir>`}, channels.Identity{Kind: email, Value: "x@y.ir"}, ""},
		{"email persian display name", channels.Identity{Kind: email, Value: "سارا احمدی <Sara@Shop.IR>"}, channels.Identity{Kind: email, Value: "sara@shop.ir"}, ""},
		{"email angle brackets only", channels.Identity{Kind: email, Value: "<info@peyk.ir>"}, channels.Identity{Kind: email, Value: "info@peyk.ir"}, ""},
		{"email whitespace", channels.Identity{Kind: email, Value: " \t Ali@Example.com \n"}, channels.Identity{Kind: email, Value: "ali@example.com"}, ""},
		{"email direction marks", channels.Identity{Kind: email, Value: "\u200fali@example.com\u200e"}, channels.Identity{Kind: email, Value: "ali@example.com"}, ""},
		{"email persian digits", channels.Identity{Kind: email, Value: "user۱۲۳@example.com"}, channels.Identity{Kind: email, Value: "user123@example.com"}, ""},
		{"email plus tag kept", channels.Identity{Kind: email, Value: "Sara+Shop@Example.com"}, channels.Identity{Kind: email, Value: "sara+shop@example.com"}, ""},
		{"email kind upper case", channels.Identity{Kind: "EMAIL", Value: "a@b.ir"}, channels.Identity{Kind: email, Value: "a@b.ir"}, ""},
		{"email missing @", channels.Identity{Kind: email, Value: "foo"}, channels.Identity{}, `crm: email "foo": missing @`},
		{"email two @", channels.Identity{Kind: email, Value: "a@b@c.ir"}, channels.Identity{}, "more than one @"},
		{"email empty local", channels.Identity{Kind: email, Value: "@example.com"}, channels.Identity{}, "empty local part"},
		{"email empty domain", channels.Identity{Kind: email, Value: "sara@"}, channels.Identity{}, "empty domain"},
		{"email space inside", channels.Identity{Kind: email, Value: "sara ahmadi@example.com"}, channels.Identity{}, "contains spaces"},
		{"email unclosed bracket", channels.Identity{Kind: email, Value: "Sara <sara@example.com"}, channels.Identity{}, "contains spaces"},
		{"email empty", channels.Identity{Kind: email, Value: "  "}, channels.Identity{}, "empty"},
		{"email bad domain", channels.Identity{Kind: email, Value: "a@.example.com"}, channels.Identity{}, "malformed domain"},
		{"email special", channels.Identity{Kind: email, Value: "a,b@example.com"}, channels.Identity{}, "not allowed"},
		{"email too long", channels.Identity{Kind: email, Value: strings.Repeat("a", 250) + "@b.ir"}, channels.Identity{}, "longer than 254 bytes"},

		// Phone: Iranian forms.
		{"phone national", channels.Identity{Kind: phone, Value: "0912 345 6789"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone plus", channels.Identity{Kind: phone, Value: "+98 912 345 6789"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone 00", channels.Identity{Kind: phone, Value: "0098 912 345 6789"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone 98 no plus", channels.Identity{Kind: phone, Value: "989123456789"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone no trunk prefix", channels.Identity{Kind: phone, Value: "9123456789"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone dashes parens dots", channels.Identity{Kind: phone, Value: "(0912) 345-67.89"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone persian digits", channels.Identity{Kind: phone, Value: "۰۹۱۲ ۳۴۵ ۶۷۸۹"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone arabic digits", channels.Identity{Kind: phone, Value: "٠٩١٢٣٤٥٦٧٨٩"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone persian plus", channels.Identity{Kind: phone, Value: "\u200e+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone plus with trunk zero", channels.Identity{Kind: phone, Value: "+0912 345 6789"}, channels.Identity{Kind: phone, Value: "+989123456789"}, ""},
		{"phone landline", channels.Identity{Kind: phone, Value: "021 8888 1234"}, channels.Identity{Kind: phone, Value: "+982188881234"}, ""},
		{"phone landline plus", channels.Identity{Kind: phone, Value: "+98-21-8888-1234"}, channels.Identity{Kind: phone, Value: "+982188881234"}, ""},

		// Phone: foreign numbers.
		{"phone us", channels.Identity{Kind: phone, Value: "+1 415 555 2671"}, channels.Identity{Kind: phone, Value: "+14155552671"}, ""},
		{"phone us parens", channels.Identity{Kind: phone, Value: "+1 (415) 555-2671"}, channels.Identity{Kind: phone, Value: "+14155552671"}, ""},
		{"phone uk", channels.Identity{Kind: phone, Value: "+44 20 7946 0958"}, channels.Identity{Kind: phone, Value: "+442079460958"}, ""},
		{"phone germany", channels.Identity{Kind: phone, Value: "+49 30 901820"}, channels.Identity{Kind: phone, Value: "+4930901820"}, ""},
		{"phone germany 00", channels.Identity{Kind: phone, Value: "0049 30 901820"}, channels.Identity{Kind: phone, Value: "+4930901820"}, ""},

		// Phone: the short-code fallback.
		{"phone short code", channels.Identity{Kind: phone, Value: "3000"}, channels.Identity{Kind: phone, Value: "3000"}, ""},
		{"phone sms panel", channels.Identity{Kind: phone, Value: "10008663"}, channels.Identity{Kind: phone, Value: "10008663"}, ""},
		{"phone sms panel persian", channels.Identity{Kind: phone, Value: "۱۰۰۰۸۶۶۳"}, channels.Identity{Kind: phone, Value: "10008663"}, ""},
		{"phone three digits", channels.Identity{Kind: phone, Value: "110"}, channels.Identity{Kind: phone, Value: "110"}, ""},

		// Phone: errors.
		{"phone letters", channels.Identity{Kind: phone, Value: "call me"}, channels.Identity{}, "not allowed"},
		{"phone no digits", channels.Identity{Kind: phone, Value: " -- "}, channels.Identity{}, "no digits"},
		{"phone empty", channels.Identity{Kind: phone, Value: ""}, channels.Identity{}, "no digits"},
		{"phone too short", channels.Identity{Kind: phone, Value: "12"}, channels.Identity{}, "too short"},
		{"phone too long", channels.Identity{Kind: phone, Value: "123456789012345678901"}, channels.Identity{}, "more than 20 digits"},
		{"phone foreign not possible", channels.Identity{Kind: phone, Value: "+44 1234"}, channels.Identity{}, "not a valid international number"},
		{"phone plus in middle", channels.Identity{Kind: phone, Value: "0912+3456789"}, channels.Identity{}, "not allowed"},

		// Telegram.
		{"telegram id", channels.Identity{Kind: telegram, Value: "123456789"}, channels.Identity{Kind: telegram, Value: "123456789"}, ""},
		{"telegram trimmed", channels.Identity{Kind: telegram, Value: " 42 "}, channels.Identity{Kind: telegram, Value: "42"}, ""},
		{"telegram persian digits", channels.Identity{Kind: telegram, Value: "۱۲۳۴۵"}, channels.Identity{Kind: telegram, Value: "12345"}, ""},
		{"telegram tg prefix", channels.Identity{Kind: telegram, Value: "tg:987654321"}, channels.Identity{Kind: telegram, Value: "987654321"}, ""},
		{"telegram leading zeros", channels.Identity{Kind: telegram, Value: "TG:00077"}, channels.Identity{Kind: telegram, Value: "77"}, ""},
		{"telegram max int64", channels.Identity{Kind: telegram, Value: "9223372036854775807"}, channels.Identity{Kind: telegram, Value: "9223372036854775807"}, ""},
		{"telegram negative", channels.Identity{Kind: telegram, Value: "-100123"}, channels.Identity{}, "not a positive decimal integer"},
		{"telegram zero", channels.Identity{Kind: telegram, Value: "000"}, channels.Identity{}, "not a positive decimal integer"},
		{"telegram letters", channels.Identity{Kind: telegram, Value: "@sara"}, channels.Identity{}, "not a positive decimal integer"},
		{"telegram empty", channels.Identity{Kind: telegram, Value: "tg:"}, channels.Identity{}, "empty"},
		{"telegram overflow", channels.Identity{Kind: telegram, Value: "9223372036854775808"}, channels.Identity{}, "too large"},

		// Other kinds and names.
		{"other kind kept", channels.Identity{Kind: "WhatsApp", Value: "  Some-ID  "}, channels.Identity{Kind: "whatsapp", Value: "Some-ID"}, ""},
		{"other kind empty value", channels.Identity{Kind: "instagram", Value: " "}, channels.Identity{}, "empty"},
		{"other kind long value", channels.Identity{Kind: "instagram", Value: strings.Repeat("x", 256)}, channels.Identity{}, "longer than 255 bytes"},
		{"other kind bad utf8", channels.Identity{Kind: "instagram", Value: "a\xffb"}, channels.Identity{}, "not valid UTF-8"},
		{"bad kind", channels.Identity{Kind: "face book", Value: "x"}, channels.Identity{}, "must match"},
		{"long kind", channels.Identity{Kind: channels.IdentityKind(strings.Repeat("k", 33)), Value: "x"}, channels.Identity{}, "must match"},
		{"empty kind", channels.Identity{Value: "sara@example.com"}, channels.Identity{}, "identity kind"},
		{"name cleaned", channels.Identity{Kind: email, Value: "a@b.ir", Name: " \u200fSara \n Ahmadi\u200b\ufeff "}, channels.Identity{Kind: email, Value: "a@b.ir", Name: "Sara Ahmadi"}, ""},
		{"name keeps zwnj", channels.Identity{Kind: phone, Value: "09123456789", Name: "\u200cمحمدی\u200cنیا"}, channels.Identity{Kind: phone, Value: "+989123456789", Name: "محمدی\u200cنیا"}, ""},
		{"name invalid utf8", channels.Identity{Kind: telegram, Value: "1", Name: "Sa\xffra"}, channels.Identity{Kind: telegram, Value: "1", Name: "Sa\ufffdra"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if tt.wantE != "" {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Normalize(%+q) = %+q, %v; want an error wrapping ErrInvalid", tt.in, got, err)
				}
				if !strings.Contains(err.Error(), tt.wantE) {
					t.Errorf("error %q does not mention %q", err, tt.wantE)
				}
				if got != (channels.Identity{}) {
					t.Errorf("Normalize returned %+q with an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize(%+q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Normalize(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
			again, err := Normalize(got)
			if err != nil || again != got {
				t.Errorf("Normalize is not idempotent: %+q gives %+q, %v", got, again, err)
			}
		})
	}
}

func TestInvalidErrorClipsInput(t *testing.T) {
	_, err := NormalizeEmail(strings.Repeat("ی", 100))
	if msg := err.Error(); !utf8.ValidString(msg) || len(msg) > 120 {
		t.Errorf("error message not clipped to valid UTF-8: %q", msg)
	}
}

// checkIdempotent fails t unless norm accepts its own output unchanged and
// that output is valid UTF-8.
func checkIdempotent(t *testing.T, norm func(string) (string, error), in string) {
	out, err := norm(in)
	if err != nil {
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("error %v does not wrap ErrInvalid", err)
		}
		return
	}
	if !utf8.ValidString(out) {
		t.Fatalf("%q gives invalid UTF-8 %q", in, out)
	}
	again, err := norm(out)
	if err != nil || again != out {
		t.Fatalf("%q gives %q, which gives %q, %v", in, out, again, err)
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"0912 345 6789", "+989123456789", "00989123456789", "989123456789",
		"۰۹۱۲۳۴۵۶۷۸۹", "٠٩١٢٣٤٥٦٧٨٩", "021 8888 1234", "+1 415 555 2671",
		"+44 20 7946 0958", "+49 30 901820", "3000", "10008663", "+0912",
		"+1 23", "12", "", "abc", "+", "0098", "000", "+98 0912 345 6789",
		"+44 1234", "+98000000", "0 8888 1234", "+00989123456789",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkIdempotent(t, NormalizePhone, s) })
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{
		"sara@example.com", "Sara Ahmadi <SARA@Example.COM>", `"Ahmadi, Sara" <x@y.ir>`,
		"<a@b>", "foo", "a@b@c", "user۱@x.ir", " A@B.IR ", "a <b <c@d>>", "İ@x.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkIdempotent(t, NormalizeEmail, s) })
}
