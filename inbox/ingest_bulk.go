package inbox

import (
	"context"
	"fmt"
	"iter"
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
// messages inserted, and each touched conversation written once from the
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
	return ib.ingestParts(ctx, func(yield func([]channels.Inbound, func(int, error)) bool) {
		yield(batch, reject)
	}, maxLocks)
}

// IngestBulkParts is IngestBulk for a batch handed over in parts, each
// with its own reject function (called with indexes into that part): each
// part is checked and copied into the staging table as it comes, so the
// caller need hold only one in memory, and all are stored in one
// transaction, each conversation written once however many parts touch
// it. The transaction stays open while parts are awaited.
func (ib *Inbox) IngestBulkParts(ctx context.Context, parts iter.Seq2[[]channels.Inbound, func(int, error)]) (int, error) {
	return ib.ingestParts(ctx, parts, bulkLocks)
}

func (ib *Inbox) ingestParts(ctx context.Context, parts iter.Seq2[[]channels.Inbound, func(int, error)], maxLocks int) (int, error) {
	start := time.Now()
	var l bulkLoad
	inserted, err := l.run(ctx, ib, parts, maxLocks)
	result := "ok"
	if err != nil {
		result = "error"
		err = fmt.Errorf("inbox: bulk ingest: %w", noChannel(err))
	}
	ib.metrics.Messages.WithLabelValues("rejected").Add(float64(l.bad))
	ib.metrics.Messages.WithLabelValues("inserted").Add(float64(inserted))
	ib.metrics.Messages.WithLabelValues("duplicate").Add(float64(l.staged - inserted))
	ib.metrics.Calls.WithLabelValues(result).Observe(time.Since(start).Seconds())
	return inserted, err
}

// run stages the parts in one transaction and stores them, then the rows
// it deferred for want of locks, in groups of at most maxLocks customers.
func (l *bulkLoad) run(ctx context.Context, ib *Inbox, parts iter.Seq2[[]channels.Inbound, func(int, error)], maxLocks int) (int, error) {
	start := time.Now()
	var t *bulkTx
	err := pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		if err := staging(ctx, tx); err != nil {
			return err
		}
		var next int32
		for batch, reject := range parts {
			rows, bad := ib.stage(batch, reject, next)
			next += int32(len(batch))
			l.staged, l.bad = l.staged+len(rows), l.bad+bad
			l.note(rows)
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bulk_rows"}, bulkColumns, pgx.CopyFromRows(rows)); err != nil {
				return err
			}
		}
		if l.staged == 0 {
			return nil
		}
		t = &bulkTx{cfg: ib.cfg, maxLocks: maxLocks, now: time.Now().UTC(), repeats: l.repeats}
		return t.runFrom(ctx, tx)
	})
	ib.metrics.Commits.Observe(time.Since(start).Seconds())
	ib.metrics.GroupSize.Observe(float64(l.staged))
	if err != nil || t == nil {
		return 0, err
	}
	return ib.afterCommit(ctx, t, maxLocks)
}

// afterCommit stores what the committed t deferred and returns how many
// messages t and those later transactions stored.
func (ib *Inbox) afterCommit(ctx context.Context, t *bulkTx, maxLocks int) (int, error) {
	inserted := t.inserted
	for _, part := range t.deferredParts(maxLocks) {
		n, err := ib.bulkCommit(ctx, part, maxLocks)
		inserted += n
		if err != nil {
			return inserted, err
		}
	}
	return inserted, nil
}

// bulkCommit stores rows staged in Go (the deferred ones) in a
// transaction of their own, then those it defers in turn.
func (ib *Inbox) bulkCommit(ctx context.Context, rows [][]any, maxLocks int) (int, error) {
	var t *bulkTx
	err := crm.Retry(ctx, ib.pool, func(tx pgx.Tx) error {
		if err := staging(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bulk_rows"}, bulkColumns, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		t = &bulkTx{cfg: ib.cfg, maxLocks: maxLocks, now: time.Now().UTC()}
		return t.runFrom(ctx, tx)
	})
	if err != nil {
		return 0, err
	}
	return ib.afterCommit(ctx, t, maxLocks)
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
	case in.History:
		what = "history"
	case in.Cursor != "":
		what = "a cursor"
	default:
		return nil
	}
	return fmt.Errorf("inbox: message %q: a bulk import takes no %s: %w", in.ExternalID, what, ErrInvalid)
}
