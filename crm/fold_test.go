package crm

import (
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii lower-cased", "Sara AHMADI", "sara ahmadi"},
		{"persian digits", "۰۹۱۲", "0912"},
		{"arabic digits", "٠٩١٢", "0912"},
		{"arabic yeh", "علي", "علی"},
		{"alef maksura", "موسى", "موسی"},
		{"arabic kaf", "كتاب", "کتاب"},
		{"teh marbuta", "مدرسة", "مدرسه"},
		{"heh with yeh", "خانۀ", "خانه"},
		{"heh with separate hamza", "خانه\u0654", "خانه"},
		{"alef with hamza", "أحمد إيران ٱلله", "احمد ایران الله"},
		{"alef madda", "آقای", "اقای"},
		{"decomposed alef madda", "ا\u0653قای", "اقای"},
		{"waw with hamza", "مؤمن", "مومن"},
		{"yeh with hamza", "مسئله", "مسیله"},
		{"zwnj removed", "می\u200cخواهم", "میخواهم"},
		{"other invisibles", "\ufeff\u200bسلام\u200d\u200e\u200f", "سلام"},
		{"tatweel", "سلـــام", "سلام"},
		{"diacritics", "مُحَمَّد", "محمد"},
		{"superscript alef", "رحمٰن", "رحمن"},
		{"whitespace collapsed", "  سلام \t\n  دنیا\u00a0 ", "سلام دنیا"},
		{"space around zwnj", "a \u200c b", "a b"},
		{"unicode lower", "ÇAĞ ΩΜΈΓΑ", "çağ ωμέγα"},
		{"invalid utf8", "a\xffb", "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if Fold("می\u200cخواهم") != Fold("میخواهم") || Fold("علي") != Fold("علی") {
		t.Error("Persian spelling variants fold apart")
	}
}

func TestFoldDigits(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"persian", "۰۱۲۳۴۵۶۷۸۹", "0123456789"},
		{"arabic", "٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"mixed", "سفارش ۱۲ و ٣٤ and 56", "سفارش 12 و 34 and 56"},
		{"letters untouched", "كي Ab", "كي Ab"},
		{"invalid utf8", "۱\xff", "1\ufffd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FoldDigits(tt.in); got != tt.want {
				t.Errorf("FoldDigits(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPersianDigits(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"digits", "0123456789", "۰۱۲۳۴۵۶۷۸۹"},
		{"text", "Order #42, 1403/05/01", "Order #۴۲, ۱۴۰۳/۰۵/۰۱"},
		{"already persian", "۱۲", "۱۲"},
		{"arabic untouched", "٣", "٣"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PersianDigits(tt.in)
			if got != tt.want {
				t.Errorf("PersianDigits(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if back := FoldDigits(got); back != FoldDigits(tt.in) {
				t.Errorf("FoldDigits(PersianDigits(%q)) = %q", tt.in, back)
			}
		})
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"", "می\u200cخواهم", "علي", "۰۹۱۲", "Sara  AHMADI", "خانه\u0654", "a \u200c b",
		"ا\u0653", "\xff\xfe", "İSTANBUL", "ǅ", "ΣΑΣ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Fold(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Fold(%q) = %q, not valid UTF-8", s, out)
		}
		if again := Fold(out); again != out {
			t.Fatalf("Fold(%q) = %q, but Fold(%q) = %q", s, out, out, again)
		}
		if d := FoldDigits(s); !utf8.ValidString(d) || FoldDigits(d) != d {
			t.Fatalf("FoldDigits(%q) = %q is not stable", s, d)
		}
	})
}
