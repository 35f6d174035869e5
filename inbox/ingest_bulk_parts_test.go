package inbox_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

// TestIngestBulkPartsMatchesIngest hands the batch of
// TestIngestBulkMatchesIngest over in three parts, a repeat and a
// customer's calls in different parts: the same timeline as the live
// ingest, and rejects named by their index in their part.
func TestIngestBulkPartsMatchesIngest(t *testing.T) {
	t.Parallel()
	live, bulk, now := liveAndBulk(t)
	ctx := context.Background()
	batch := bulkBatch(bulk.phone, now)
	bad := call(bulk.phone, "bad", "+44 1234", "", channels.In, "ANSWERED", now)
	parts := [][]channels.Inbound{batch[:4], append(slices.Clone(batch[4:8]), bad), batch[8:]}
	var rejected []string
	n, err := bulk.ib.IngestBulkParts(ctx, func(yield func([]channels.Inbound, func(int, error)) bool) {
		for p, part := range parts {
			if !yield(part, func(i int, err error) { rejected = append(rejected, fmt.Sprintf("%d/%d", p, i)) }) {
				return
			}
		}
	})
	if err != nil || n != 14 || !slices.Equal(rejected, []string{"1/4"}) {
		t.Fatalf("IngestBulkParts: %d new, rejected %v, %v; want 14, [1/4]", n, rejected, err)
	}
	if want, got := live.snapshot(t), bulk.snapshot(t); !slices.Equal(got, want) {
		t.Errorf("bulk and live differ\nbulk:\n%s\nlive:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestIngestBulkRacesSameCalls stores the same calls through the bulk
// path and, at the same time, one by one through the live ingest: each
// is stored once, counted as new once, and neither call fails.
func TestIngestBulkRacesSameCalls(t *testing.T) {
	t.Parallel()
	e := newPhoneEnv(t)
	ctx := context.Background()
	const calls = 60
	now := time.Now().UTC()
	var batch []channels.Inbound
	for i := range calls {
		batch = append(batch, call(e.phone, fmt.Sprintf("same-%d", i), fmt.Sprintf("0936000%04d", i%20), "", channels.In, "ANSWERED",
			now.Add(time.Duration(i)*time.Second)))
	}
	var wg sync.WaitGroup
	var bulkNew, liveNew int
	wg.Add(2)
	go func() {
		defer wg.Done()
		n, err := e.ib.IngestBulk(ctx, batch, nil)
		if err != nil {
			t.Error(err)
		}
		bulkNew = n
	}()
	go func() {
		defer wg.Done()
		for i := calls - 1; i >= 0; i-- {
			n, err := e.ib.IngestCount(ctx, batch[i:i+1])
			if err != nil {
				t.Error(err)
			}
			liveNew += n
		}
	}()
	wg.Wait()
	if bulkNew+liveNew != calls {
		t.Errorf("%d new in bulk and %d live, want %d in all", bulkNew, liveNew, calls)
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != calls {
		t.Errorf("%d messages, want %d", n, calls)
	}
	if n := e.count(t, `SELECT count(*) FROM conversations`); n != 20 {
		t.Errorf("%d conversations for 20 numbers", n)
	}
	if n := e.count(t, `SELECT sum(unread) FROM conversations`); n != calls {
		t.Errorf("%d unread in all, want %d", n, calls)
	}
}

// TestIngestBulkSessionUsedTempTables imports on a connection whose
// session already used a temporary table at the default temp_buffers,
// which PostgreSQL then refuses to change: the import goes on with them.
func TestIngestBulkSessionUsedTempTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := dbtest.New(t).Config() // a migrated schema
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := pool.Exec(ctx, `CREATE TEMP TABLE used AS SELECT 1 AS one`); err != nil {
		t.Fatal(err)
	}
	ib := inbox.New(pool, inbox.Config{}, nil)
	phone, err := ib.CreateChannel(ctx, channels.Phone, "pbx", nil)
	if err != nil {
		t.Fatal(err)
	}
	for round, want := range []int{2, 0} {
		n, err := ib.IngestBulk(ctx, []channels.Inbound{
			call(phone, "t-1", "09121230001", "", channels.In, "ANSWERED", time.Now()),
			call(phone, "t-2", "09121230002", "", channels.In, "BUSY", time.Now()),
		}, nil)
		if err != nil || n != want {
			t.Fatalf("round %d: %d new, %v; want %d", round, n, err, want)
		}
	}
}
