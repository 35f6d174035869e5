package inbox

import (
	"context"
	"hash/maphash"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
)

// bulkLoad is one IngestBulkParts call: the rows it staged and rejected.
type bulkLoad struct {
	staged, bad int
	// seen holds a hash of each staged message's channel and external id;
	// repeats lists the rows whose hash came before (a repeat, or rarely
	// a collision), for the transaction to look at.
	seed    maphash.Seed
	seen    map[uint64]struct{}
	repeats []int32
}

// note records the hashes of rows and which may repeat an earlier row.
func (l *bulkLoad) note(rows [][]any) {
	if l.seen == nil {
		l.seed, l.seen = maphash.MakeSeed(), make(map[uint64]struct{}, len(rows))
	}
	for _, r := range rows {
		h := maphash.Comparable(l.seed, extKey{r[1].(int64), r[2].(string)})
		if _, ok := l.seen[h]; ok {
			l.repeats = append(l.repeats, r[0].(int32))
		}
		l.seen[h] = struct{}{}
	}
}

// staging creates the staging table bulk_rows in tx, with room in memory.
func staging(ctx context.Context, tx pgx.Tx) error {
	// The staging tables are scanned a dozen times: beyond temp_buffers
	// (8 MB by default) every scan reads them back from the operating
	// system. PostgreSQL fixes a session's temp_buffers when it first
	// uses a temporary table, so the setting is tried in a savepoint: a
	// session that used one at another size keeps it.
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err = sp.Exec(ctx, `SET LOCAL temp_buffers = '512MB'`); err != nil {
		err = sp.Rollback(ctx)
	} else {
		err = sp.Commit(ctx)
	}
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, stagingSQL)
	return err
}

// stagingSQL creates the staging table bulk_rows. The steps join and sort
// whole batches: in memory, and without JIT compiling each statement
// anew.
const stagingSQL = `SET LOCAL jit = off; SET LOCAL work_mem = '128MB';
	CREATE TEMP TABLE bulk_rows (
		idx int NOT NULL, channel bigint NOT NULL, ext text NOT NULL, dir text NOT NULL, kind text NOT NULL,
		status text NOT NULL, body text NOT NULL, html text NOT NULL, subject text NOT NULL, headers text NOT NULL,
		call text NOT NULL, truncated bool NOT NULL, sent timestamptz NOT NULL, ikind text NOT NULL,
		ivalue text NOT NULL, name text NOT NULL, name_fold text NOT NULL
	) ON COMMIT DROP`

// bulkColumns are the staging table's columns, in the order stage fills
// them.
var bulkColumns = []string{"idx", "channel", "ext", "dir", "kind", "status", "body", "html", "subject",
	"headers", "call", "truncated", "sent", "ikind", "ivalue", "name", "name_fold"}

// stage validates and cleans batch as Ingest does and returns the staging
// rows of the messages to store, in batch order and numbered from first,
// with how many were rejected. Repeats are staged too: the transaction
// leaves them out with the messages already stored.
func (ib *Inbox) stage(batch []channels.Inbound, reject func(int, error), first int32) (rows [][]any, bad int) {
	folds := make(map[string]string)
	rows = make([][]any, 0, len(batch))
	for i, in := range batch {
		it, err := ib.prepare(in)
		if err == nil {
			err = bulkable(it.in)
		}
		if err != nil {
			bad++
			if reject != nil {
				reject(i, err)
			}
			continue
		}
		from := it.group[0]
		fold, ok := folds[from.Name]
		if !ok {
			fold = crm.Fold(from.Name)
			folds[from.Name] = fold
		}
		dir, status := direction(it.in)
		rows = append(rows, []any{first + int32(i), it.in.ChannelID, it.in.ExternalID, dir, string(it.in.Kind), status,
			it.in.Text, it.in.HTML, it.in.Thread.Subject, string(it.headers), string(it.call), it.truncated,
			it.in.SentAt, string(from.Kind), from.Value, from.Name, fold})
	}
	return rows, bad
}
