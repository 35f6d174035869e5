package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// addPhoneChannel makes channel 1 of the database at url a phone channel
// whose extensions are 1XX and whose DID is 02188776655.
func addPhoneChannel(t *testing.T, ctx context.Context, db string) {
	t.Helper()
	t.Setenv("PEYK_SECRET_KEY", "test key")
	if _, errOut, err := runCmd(t, ctx, "channel", "add", "phone", db, "--name", "pbx",
		"--config", `{"ours":["1XX","02188776655"],"secret":"pbx-secret-0123456789"}`); err != nil {
		t.Fatalf("channel add: %v %s", err, errOut)
	}
}

// TestImportCallsBadRows runs the command on a file with good, skipped and
// bad rows against a real database: the good rows are imported, the bad
// ones listed by line, the command fails (main exits 1), and the progress
// line and the summary count with the same words.
func TestImportCallsBadRows(t *testing.T) {
	url := freshDatabase(t)
	ctx := context.Background()
	db := "--database-url=" + url
	addPhoneChannel(t, ctx, db)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	good := filepath.Join(t.TempDir(), "good.csv")
	mixed, err := os.ReadFile("testdata/calls_mixed.csv")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i, l := range strings.Split(string(mixed), "\n") {
		if i != 3 && i != 6 { // lines 4 and 7 are the bad ones
			lines = append(lines, l)
		}
	}
	if err := os.WriteFile(good, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		args     []string
		summary  string // the start of stdout
		progress string // in stderr, "" with --quiet
		badLines []string
		bad      bool // the command fails with errBadRows
		calls    int  // call messages stored after the step
	}{
		{"bad rows", []string{"testdata/calls_mixed.csv"},
			"7 rows, 3 imported, 0 already there, 2 skipped, 2 bad, in ", "7 rows  3 imported  0 already there  2 skipped  2 bad",
			[]string{"bad row: line 4: start \"not a time\"", "bad row: line 7: disposition \"HUNG UP\""}, true, 3},
		{"again", []string{"--quiet", "testdata/calls_mixed.csv"},
			"7 rows, 0 imported, 3 already there, 2 skipped, 2 bad, in ", "", []string{"bad row: line 4:"}, true, 3},
		{"only good rows", []string{"--batch", "2", good},
			"5 rows, 0 imported, 3 already there, 2 skipped, 0 bad, in ", "5 rows  0 imported  3 already there  2 skipped  0 bad", nil, false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"import-calls", db, "--channel", "1"}, tt.args...)
			out, errOut, err := runCmd(t, ctx, args...)
			if tt.bad != errors.Is(err, errBadRows) || (!tt.bad && err != nil) {
				t.Fatalf("error %v, want bad rows: %v (stderr %q)", err, tt.bad, errOut)
			}
			if tt.bad && !strings.Contains(err.Error(), "bad rows: 2 not imported, the other rows were") {
				t.Errorf("error %q", err)
			}
			if !strings.HasPrefix(out, tt.summary) {
				t.Errorf("summary %q, want %q…", out, tt.summary)
			}
			if !strings.Contains(errOut, tt.progress) || (tt.progress == "" && strings.Contains(errOut, "rows/s")) {
				t.Errorf("progress %q, want %q", errOut, tt.progress)
			}
			for _, l := range tt.badLines {
				if !strings.Contains(errOut, l) {
					t.Errorf("no %q in %q", l, errOut)
				}
			}
			if n := count(`SELECT count(*) FROM messages WHERE kind = 'call'`); n != tt.calls {
				t.Errorf("%d calls stored, want %d", n, tt.calls)
			}
		})
	}
	// The CLID placeholder "Unknown" names no contact.
	if n := count(`SELECT count(*) FROM contacts WHERE name ILIKE '%unknown%' OR name ILIKE '%anonymous%'`); n != 0 {
		t.Errorf("%d contacts named Unknown or Anonymous", n)
	}
}

// TestImportCallsBatches imports in batches of two calls: every batch is
// its own bulk transaction, and the bad rows are still named by line.
func TestImportCallsBatches(t *testing.T) {
	url := freshDatabase(t)
	ctx := context.Background()
	db := "--database-url=" + url
	addPhoneChannel(t, ctx, db)
	file := "../../channels/phonelog/testdata/Master.csv"
	out, errOut, err := runCmd(t, ctx, "import-calls", db, "--channel", "1", "--batch", "2", "--quiet", file)
	if !errors.Is(err, errBadRows) {
		t.Fatalf("import-calls: %v %s, want bad rows", err, errOut)
	}
	if !strings.HasPrefix(out, "12 rows, 8 imported, 0 already there, 2 skipped, 2 bad") {
		t.Errorf("out = %q", out)
	}
	for _, line := range []string{"bad row: line 5:", "bad row: line 6:"} {
		if !strings.Contains(errOut, line) {
			t.Errorf("no %q in %q", line, errOut)
		}
	}
}
