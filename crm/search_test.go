package crm_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
)

// search calls Search and returns the ids found, failing the test on an
// error.
func search(t *testing.T, s *crm.Store, q string, limit int) []int64 {
	t.Helper()
	cs, err := s.Search(t.Context(), q, limit)
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	return ids(cs)
}

func TestSearch(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	next := 100
	add := func(name string, more ...channels.Identity) int64 {
		next++
		return resolve(t, s, append([]channels.Identity{named(telegram(fmt.Sprint(next)), name)}, more...)...)
	}
	ali := add("علي محمدي")        // Arabic yeh
	karim := add("كريم")           // Arabic kaf
	yasamin := add("یاسمین کیانی") // Persian yeh and kaf
	niknam := add("نیک\u200cنام")  // with ZWNJ
	khoshnam := add("خوشنام")      // without ZWNJ
	ph := add("Phone Owner", phone("+989123456789"))
	other := add("Other Phone", phone("+14155552671"))
	sara := add("Sara", email("Sara.Ahmadi@MailHost.IR"))
	percent := add("100% Coffee")
	thousand := add("1000 Coffee")
	under := add("a_b shop")
	axb := add("axb shop")
	slash := add(`back\slash`)

	tests := []struct {
		name, q string
		want    []int64 // sorted
	}{
		{"persian yeh finds arabic yeh", "علی", []int64{ali}},
		{"persian query finds arabic name", "علی محمدی", []int64{ali}},
		{"persian kaf finds arabic kaf", "کریم", []int64{karim}},
		{"arabic query finds arabic name", "كريم", []int64{karim}},
		{"arabic yeh finds persian yeh", "ياسمين", []int64{yasamin}},
		{"arabic kaf finds persian kaf", "كياني", []int64{yasamin}},
		{"without zwnj finds with", "نیکنام", []int64{niknam}},
		{"with zwnj finds with", "نیک\u200cنام", []int64{niknam}},
		{"with zwnj finds without", "خوش\u200cنام", []int64{khoshnam}},
		{"latin case-insensitive", "PHONE owner", []int64{ph}},
		{"phone national prefix", "0912 345", []int64{ph}},
		{"phone persian digits", "۰۹۱۲۳۴۵", []int64{ph}},
		{"phone arabic digits", "٠٩١٢٣٤٥", []int64{ph}},
		{"phone full national", "09123456789", []int64{ph}},
		{"phone e164", "+98 912 345 6789", []int64{ph}},
		{"phone without plus", "989123456789", []int64{ph}},
		{"phone 0098", "0098 912 345 6789", []int64{ph}},
		{"phone dashed middle", "345-67", []int64{ph}},
		{"foreign phone", "+1 415 555", []int64{other}},
		{"email part", "ahmadi@mail", []int64{sara}},
		{"email case-insensitive", "SARA.AHMADI@MAILHOST.ir", []int64{sara}},
		{"email domain", "mailhost", []int64{sara}},
		{"percent is literal", "%", []int64{percent}},
		{"percent inside", "0% c", []int64{percent}},
		{"underscore is literal", "_", []int64{under}},
		{"underscore inside", "a_b", []int64{under}},
		{"backslash is literal", `\`, []int64{slash}},
		{"plain query finds both", "coffee", []int64{percent, thousand}},
		{"shop", "shop", []int64{under, axb}},
		{"no match", "zzz", []int64{}},
		{"no phone match", "0935 000", []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := search(t, s, tt.q, 50)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}

	t.Run("returns contact fields", func(t *testing.T) {
		cs, err := s.Search(t.Context(), "علی", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Name != "علي محمدي" {
			t.Fatalf("Search = %+v, want the contact with its original name", cs)
		}
	})
}

func TestSearchEmptyQuery(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	resolve(t, s, named(email("x@example.com"), "X"))
	for _, q := range []string{"", "   ", "\t\n", "\u200c", "\u200f\u200c "} {
		cs, err := s.Search(t.Context(), q, 10)
		wantErr(t, fmt.Sprintf("Search(%q)", q), err, crm.ErrInvalid)
		if cs != nil {
			t.Errorf("Search(%q) = %v, want nil on error", q, cs)
		}
	}
}

func TestSearchExcludesMerged(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	a := resolve(t, s, named(telegram("1"), "Twin Brother"))
	b := resolve(t, s, named(telegram("2"), "Twin Sister"))
	if got := search(t, s, "twin", 10); len(got) != 2 {
		t.Fatalf("Search before merge = %v, want both", got)
	}
	m := mustMerge(t, s, a, b)
	if got := search(t, s, "twin", 10); !slices.Equal(got, []int64{a}) {
		t.Errorf("Search after merge = %v, want [%d]", got, a)
	}
	if got := search(t, s, "sister", 10); len(got) != 0 {
		t.Errorf("Search(merged name) = %v, want nothing", got)
	}
	if err := s.Unmerge(t.Context(), m, 0); err != nil {
		t.Fatal(err)
	}
	if got := search(t, s, "sister", 10); !slices.Equal(got, []int64{b}) {
		t.Errorf("Search(name) after undo = %v, want [%d]", got, b)
	}
}

func TestSearchOrder(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	// Created in this order so that newest-first alone would put the exact
	// match last.
	exact := resolve(t, s, named(telegram("1"), "Ali"))
	contains := resolve(t, s, named(telegram("2"), "Mohammad Ali"))
	prefix := resolve(t, s, named(telegram("3"), "Alireza"))
	newest := resolve(t, s, named(telegram("4"), "Vali"))
	if got, want := search(t, s, "ali", 10), []int64{exact, prefix, newest, contains}; !slices.Equal(got, want) {
		t.Errorf("Search(ali) = %v, want exact, prefix, then newest first %v", got, want)
	}
	if got := search(t, s, "ali", 2); !slices.Equal(got, []int64{exact, prefix}) {
		t.Errorf("Search(ali, limit 2) = %v, want [%d %d]", got, exact, prefix)
	}

	faExact := resolve(t, s, named(telegram("5"), "علي"))
	faLonger := resolve(t, s, named(telegram("6"), "علی\u200cرضا"))
	faContains := resolve(t, s, named(telegram("7"), "محمدعلی"))
	if got, want := search(t, s, "علی", 10), []int64{faExact, faLonger, faContains}; !slices.Equal(got, want) {
		t.Errorf("Search(علی) = %v, want %v", got, want)
	}
	if got, want := search(t, s, "عل", 10)[:1], []int64{faLonger}; !slices.Equal(got, want) {
		// No exact match: prefix matches come first, newest first.
		t.Errorf("Search(عل) starts with %v, want %v", got, want)
	}
}
