package crm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestIranMobileFastPath checks that the fast path gives what phonenumbers
// gives, for every 09xx prefix and random subscriber numbers, in each
// shape it takes.
func TestIranMobileFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for prefix := 900; prefix <= 999; prefix++ {
		for range 20 {
			national := fmt.Sprintf("%d%07d", prefix, rng.IntN(10_000_000))
			for _, form := range []struct {
				d    string
				plus bool
			}{{"0" + national, false}, {"98" + national, true}, {"0098" + national, false}} {
				fast, ok := iranMobile(form.d, form.plus)
				if !ok {
					t.Fatalf("%s: fast path not taken", form.d)
				}
				slow, ok := toE164(map[bool]string{true: "+", false: ""}[form.plus]+form.d, true)
				if !ok || slow != fast {
					t.Fatalf("%s (plus %v): fast %q, phonenumbers %q %v", form.d, form.plus, fast, slow, ok)
				}
			}
		}
	}
}
