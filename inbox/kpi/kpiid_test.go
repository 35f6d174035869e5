package kpi_test

import (
	"context"
	"testing"

	"github.com/peykhq/peyk/db/dbtest"
)

// TestKPIID: the triggers read ids out of audit events with kpi_id, which
// must give NULL, never an error, for anything that is not a number (an
// error would fail the agent action that wrote the event).
func TestKPIID(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	cases := []struct {
		in   string
		want int64 // 0: NULL
	}{
		{"42", 42},
		{" 7\t", 7},
		{"-3", -3},
		{"\u2003 5", 0},
		{"5\u00a0", 0},
		{"x", 0},
		{"", 0},
		{"12345678901234567890", 0},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			var got *int64
			if err := pool.QueryRow(context.Background(), `SELECT kpi_id($1)`, c.in).Scan(&got); err != nil {
				t.Fatalf("kpi_id(%q): %v", c.in, err)
			}
			if (got == nil) != (c.want == 0) || (got != nil && *got != c.want) {
				t.Fatalf("kpi_id(%q) = %v, want %d", c.in, got, c.want)
			}
		})
	}
}
