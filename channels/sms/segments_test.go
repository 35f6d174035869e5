package sms_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels/sms"
)

func TestSegments(t *testing.T) {
	fa := func(n int) string { return strings.Repeat("س", n) }
	for _, tc := range []struct {
		name      string
		text      string
		enc       string
		chars     int
		segments  int
		remaining int
	}{
		{"empty", "", sms.GSM7, 0, 0, 160},
		{"ASCII", "Your order has shipped.", sms.GSM7, 23, 1, 137},
		{"160 GSM", strings.Repeat("a", 160), sms.GSM7, 160, 1, 0},
		{"161 GSM", strings.Repeat("a", 161), sms.GSM7, 161, 2, 145},
		{"306 GSM", strings.Repeat("a", 306), sms.GSM7, 306, 2, 0},
		{"307 GSM", strings.Repeat("a", 307), sms.GSM7, 307, 3, 152},
		{"GSM accents and Greek", "Ça coûte 5€? Ñandú ΔΣΩ @£$¥ §¿¡", sms.UCS2, 31, 1, 39}, // û and ú are not GSM
		{"GSM accents", "Ça va, Ñoño! ΔΣΩ @£$¥ §¿¡ äöüà", sms.GSM7, 30, 1, 130},
		{"extension table", "€[]{}^~\\|", sms.GSM7, 18, 1, 142},
		{"form feed", "a\fb", sms.GSM7, 4, 1, 156},
		{"159 + euro", strings.Repeat("a", 159) + "€", sms.GSM7, 161, 2, 145},
		{"158 + euro", strings.Repeat("a", 158) + "€", sms.GSM7, 160, 1, 0},
		// An escape sequence is never split: € moves whole to part two.
		{"euro at part boundary", strings.Repeat("a", 152) + "€" + strings.Repeat("b", 7), sms.GSM7, 161, 2, 144},
		{"backtick", "`code`", sms.UCS2, 6, 1, 64},
		{"newline and CR", "a\r\nb", sms.GSM7, 4, 1, 156},
		{"Persian", "سلام، سفارش شما ارسال شد", sms.UCS2, 24, 1, 46},
		{"Persian with ZWNJ and digits", "سفارش ۱۲۳۴ شما فردا می\u200cرسد", sms.UCS2, 26, 1, 44},
		{"70 Persian", fa(70), sms.UCS2, 70, 1, 0},
		{"71 Persian", fa(71), sms.UCS2, 71, 2, 63},
		{"134 Persian", fa(134), sms.UCS2, 134, 2, 0},
		{"135 Persian", fa(135), sms.UCS2, 135, 3, 66},
		{"Persian and Latin", "Order 1234: " + fa(58), sms.UCS2, 70, 1, 0},
		{"emoji", "👍", sms.UCS2, 2, 1, 68},
		{"Persian and emoji", "ممنون 🙏", sms.UCS2, 8, 1, 62},
		{"69 Persian + emoji", fa(69) + "😀", sms.UCS2, 71, 2, 63},
		{"68 Persian + emoji", fa(68) + "😀", sms.UCS2, 70, 1, 0},
		// A surrogate pair is never split: the emoji moves whole to part two.
		{"emoji at part boundary", fa(66) + "😀" + fa(3), sms.UCS2, 71, 2, 62},
		{"ASCII goes UCS-2 with one emoji", strings.Repeat("a", 100) + "🙂", sms.UCS2, 102, 2, 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sms.Segments(tc.text)
			want := sms.Info{Encoding: tc.enc, Characters: tc.chars, Segments: tc.segments, Remaining: tc.remaining}
			if got != want {
				t.Errorf("Segments(%q) = %+v, want %+v", tc.text, got, want)
			}
		})
	}
}

func ExampleSegments() {
	info := sms.Segments("سلام، سفارش شما ارسال شد")
	fmt.Println(info.Encoding, info.Characters, info.Segments)
	// Output: UCS-2 24 1
}

// FuzzSegments checks the arithmetic on any text: the parts hold the text,
// and no fewer parts would.
func FuzzSegments(f *testing.F) {
	for _, s := range []string{"", "سلام", "€€€", "👍a", strings.Repeat("a", 153) + "€"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		info := sms.Segments(text)
		single, multi := 160, 153
		if info.Encoding == sms.UCS2 {
			single, multi = 70, 67
		}
		switch {
		case info.Characters == 0:
			if info.Segments != 0 {
				t.Fatalf("%+v for empty text", info)
			}
		case info.Characters <= single:
			if info.Segments != 1 || info.Remaining != single-info.Characters {
				t.Fatalf("%+v", info)
			}
		default:
			// Parts hold at least multi-1 units each (a two-unit character
			// may move), so the count is bounded both ways.
			lo := (info.Characters + multi - 1) / multi
			hi := (info.Characters + multi - 2) / (multi - 1)
			if info.Segments < lo || info.Segments > hi || info.Remaining < 0 || info.Remaining >= multi {
				t.Fatalf("%+v for %d units", info, info.Characters)
			}
		}
	})
}
