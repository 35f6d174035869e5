package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
)

// bulkLocks is the most contact locks one bulk transaction takes. Each is
// an entry in PostgreSQL's shared lock table, which holds only some
// thousands (max_locks_per_transaction × connections), so an import does
// not take one per customer: only for existing contacts that get a new
// conversation, where a live ingest could race it. The live ingest takes
// up to MaxGroup (2000) of them per transaction too.
const bulkLocks = 2000

// IngestBulk stores a large batch of chat-style inbound messages, such as
// an imported call log, in one transaction with set-based SQL instead of
// the group commit: the rows are copied into a staging table, their
// senders resolved to contacts (new ones created, merged ones followed),
// their conversations found or opened by the same rule as Ingest's, the
// messages inserted, and each touched conversation updated once from the
// batch's aggregates, with the call-back reminders and one notification
// Ingest would give. It returns how many messages were new: messages
// already stored (same channel and external id) are skipped, so importing
// a file twice adds nothing.
//
// A message Ingest would refuse is not stored: reject is called with its
// index and the reason (wrapping ErrInvalid), and the rest is stored.
// IngestBulk also refuses what only Ingest handles: email, attachments,
// further identities (Also), auto-replies and cursors. An error means
// nothing of the batch was stored, except that a batch needing more
// contact locks than one transaction may take commits in several.
func (ib *Inbox) IngestBulk(ctx context.Context, batch []channels.Inbound, reject func(i int, err error)) (int, error) {
	return ib.ingestBulk(ctx, batch, reject, bulkLocks)
}

func (ib *Inbox) ingestBulk(ctx context.Context, batch []channels.Inbound, reject func(int, error), maxLocks int) (int, error) {
	start := time.Now()
	rows, dups, bad := ib.stage(batch, reject, time.Now().UTC())
	ib.metrics.Messages.WithLabelValues("rejected").Add(float64(bad))
	ib.metrics.Messages.WithLabelValues("duplicate").Add(float64(dups))
	inserted, err := ib.bulkCommit(ctx, rows, maxLocks)
	result := "ok"
	if err != nil {
		result = "error"
	}
	ib.metrics.Calls.WithLabelValues(result).Observe(time.Since(start).Seconds())
	return inserted, err
}

// bulkCommit stores rows, then the rows it deferred for want of locks,
// in groups of at most maxLocks customers.
func (ib *Inbox) bulkCommit(ctx context.Context, rows [][]any, maxLocks int) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	start := time.Now()
	var tx *bulkTx
	err := crm.Retry(ctx, ib.pool, func(t pgx.Tx) error {
		tx = &bulkTx{Tx: t, cfg: ib.cfg, rows: rows, maxLocks: maxLocks, now: time.Now().UTC()}
		return tx.run(ctx)
	})
	ib.metrics.Commits.Observe(time.Since(start).Seconds())
	ib.metrics.GroupSize.Observe(float64(len(rows)))
	if err != nil {
		return 0, fmt.Errorf("inbox: bulk ingest: %w", noChannel(err))
	}
	ib.metrics.Messages.WithLabelValues("inserted").Add(float64(tx.inserted))
	ib.metrics.Messages.WithLabelValues("duplicate").Add(float64(len(rows) - len(tx.deferred) - tx.inserted))
	inserted := tx.inserted
	for _, part := range tx.deferredParts(maxLocks) {
		n, err := ib.bulkCommit(ctx, part, maxLocks)
		inserted += n
		if err != nil {
			return inserted, err
		}
	}
	return inserted, nil
}

// bulkColumns are the staging table's columns, in the order stage fills
// them.
var bulkColumns = []string{"idx", "channel", "ext", "dir", "kind", "status", "body", "html", "subject",
	"headers", "call", "truncated", "sent", "ikind", "ivalue", "name", "name_fold", "callback"}

// stage validates and cleans batch as Ingest does and returns the staging
// rows of the messages to store, in batch order, with how many were
// repeats within the batch and how many were rejected.
func (ib *Inbox) stage(batch []channels.Inbound, reject func(int, error), now time.Time) (rows [][]any, dups, bad int) {
	seen := make(map[extKey]bool, len(batch))
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
		k := extKey{it.in.ChannelID, it.in.ExternalID}
		if seen[k] {
			dups++
			continue
		}
		seen[k] = true
		from := it.group[0]
		fold, ok := folds[from.Name]
		if !ok {
			fold = crm.Fold(from.Name)
			folds[from.Name] = fold
		}
		dir, status := direction(it.in)
		rows = append(rows, []any{int32(i), it.in.ChannelID, it.in.ExternalID, dir, string(it.in.Kind), status,
			it.in.Text, it.in.HTML, it.in.Thread.Subject, string(it.headers), string(it.call), it.truncated,
			it.in.SentAt, string(from.Kind), from.Value, from.Name, fold, callbackText(&it, now)})
	}
	return rows, dups, bad
}

// bulkable reports, as an error wrapping ErrInvalid, what IngestBulk
// cannot store of a prepared message.
func bulkable(in channels.Inbound) error {
	var what string
	switch {
	case in.Kind == channels.KindEmail:
		what = "email"
	case len(in.Attachments) > 0:
		what = "attachments"
	case len(in.Also) > 0:
		what = "further identities"
	case in.AutoReply:
		what = "an auto-reply"
	case in.Cursor != "":
		what = "a cursor"
	default:
		return nil
	}
	return fmt.Errorf("inbox: message %q: a bulk import takes no %s: %w", in.ExternalID, what, ErrInvalid)
}
