package dbtest_test

import (
	"context"
	"testing"

	"github.com/peykhq/peyk/db/dbtest"
)

func TestSchemaPerTest(t *testing.T) {
	t.Parallel()
	a, b := dbtest.New(t), dbtest.New(t)
	ctx := context.Background()
	if _, err := a.Exec(ctx, `INSERT INTO teams (name) VALUES ('only in a')`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, `SELECT count(*) FROM teams`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("schema b sees %d teams of schema a (%v)", n, err)
	}
}
