package main

import (
	"context"
	"strings"
	"testing"
)

// TestImportCallsBatches imports in batches of two calls: every batch is
// its own bulk transaction, and the bad rows are still named by line.
func TestImportCallsBatches(t *testing.T) {
	url := freshDatabase(t)
	ctx := context.Background()
	db := "--database-url=" + url
	t.Setenv("PEYK_SECRET_KEY", "test key")
	if _, errOut, err := runCmd(t, ctx, "channel", "add", "phone", db, "--name", "pbx",
		"--config", `{"ours":["1XX"],"secret":"pbx-secret-0123456789"}`); err != nil {
		t.Fatalf("channel add: %v %s", err, errOut)
	}
	file := "../../channels/phonelog/testdata/Master.csv"
	out, errOut, err := runCmd(t, ctx, "import-calls", db, "--channel", "1", "--batch", "2", "--quiet", file)
	if err != nil {
		t.Fatalf("import-calls: %v %s", err, errOut)
	}
	if !strings.HasPrefix(out, "12 rows: 8 imported, 0 already there, 1 skipped (internal), 3 bad") {
		t.Errorf("out = %q", out)
	}
	for _, line := range []string{"bad row: line 5:", "bad row: line 6:", "bad row: line 9:"} {
		if !strings.Contains(errOut, line) {
			t.Errorf("no %q in %q", line, errOut)
		}
	}
}
