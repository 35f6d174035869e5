package browsertest

import (
	"fmt"
	"testing"
)

// verdict records what noChromium asked of the test.
type verdict struct {
	testing.TB
	skipped, failed string
}

func (v *verdict) Helper()           {}
func (v *verdict) Skip(args ...any)  { v.skipped = fmt.Sprint(args...) }
func (v *verdict) Fatal(args ...any) { v.failed = fmt.Sprint(args...) }

func TestNoChromium(t *testing.T) {
	local := &verdict{TB: t}
	noChromium(local, false)
	if local.skipped == "" || local.failed != "" {
		t.Fatalf("outside CI: skipped %q, failed %q; want a skip", local.skipped, local.failed)
	}
	ci := &verdict{TB: t}
	noChromium(ci, true)
	if ci.failed == "" || ci.skipped != "" {
		t.Fatalf("in CI: skipped %q, failed %q; want a failure", ci.skipped, ci.failed)
	}
}

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "FALSE": false, "true": true, "1": true, "yes": true} {
		t.Setenv("CI", v)
		if got := inCI(); got != want {
			t.Errorf("CI=%q: inCI() = %v, want %v", v, got, want)
		}
	}
}

func TestChromiumPath(t *testing.T) {
	t.Setenv("PEYK_CHROMIUM", "/opt/chrome/chrome")
	if got := chromiumPath(); got != "/opt/chrome/chrome" {
		t.Fatalf("PEYK_CHROMIUM ignored: %q", got)
	}
}
