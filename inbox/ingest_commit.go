package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db"
)

// transientRetries is how often a group commit that failed for a reason
// that may pass (db.IsTransient: the connection was refused, reset or
// terminated) is tried again, after transientBackoff, doubling each time.
// A retry is safe at any point: the failed transaction rolled back, or it
// committed and the retry finds its messages stored (ON CONFLICT DO
// NOTHING) and moves no cursor backwards.
//
// When the connection was lost with the COMMIT's answer, the commit's
// outcome is unknown: before trying again, commit asks the server what
// became of that transaction (pg_xact_status). When it committed, its
// work is done, NOTIFY included (PostgreSQL sends it at commit), and the
// callers get what it did (the messages it inserted) instead of a retry
// that finds them all stored.
const transientRetries = 3

// transientBackoff is the first wait before a retry after a transient
// failure.
var transientBackoff = 200 * time.Millisecond

// commit stores a group of requests in one transaction, retried when it
// loses a race with another process, and, with backoff, when the database
// could not be reached or dropped the connection.
func (ib *Inbox) commit(ctx context.Context, group []*request) error {
	start := time.Now()
	n := 0
	for _, r := range group {
		n += len(r.items)
	}
	var err error
	var xid string // the last transaction's id, once it has one
	wait := transientBackoff
	for attempt := 0; ; attempt++ {
		if xid != "" && committed(ctx, ib.pool, xid) {
			err = nil // the last try's COMMIT went through; its answer was lost
			break
		}
		err = crm.Retry(ctx, ib.pool, func(tx pgx.Tx) error {
			return ib.apply(ctx, tx, group, &xid)
		})
		if err == nil || !db.IsTransient(err) || attempt == transientRetries || !anyWaiting(group) {
			break
		}
		time.Sleep(wait)
		wait *= 2
	}

	ib.metrics.Commits.Observe(time.Since(start).Seconds())
	ib.metrics.GroupSize.Observe(float64(n))
	if err != nil {
		return fmt.Errorf("inbox: ingest: %w", noChannel(err))
	}
	return nil
}

// committed reports whether the transaction xid committed, as far as the
// server can tell now; a server that cannot be asked says no, and the
// group is tried again.
func committed(ctx context.Context, pool *pgxpool.Pool, xid string) bool {
	var status *string
	err := pool.QueryRow(ctx, `SELECT pg_xact_status($1::xid8)`, xid).Scan(&status)
	return err == nil && status != nil && *status == "committed"
}

// anyWaiting reports whether a caller of the group still waits for it.
func anyWaiting(group []*request) bool {
	for _, r := range group {
		if r.ctx.Err() == nil {
			return true
		}
	}
	return false
}

// noChannel turns the error of a message naming a channel that does not
// exist into one wrapping ErrInvalid; it returns other errors as they are.
func noChannel(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" && strings.HasSuffix(pgErr.ConstraintName, "_channel_id_fkey") {
		return fmt.Errorf("a message names a channel that does not exist: %w", ErrInvalid)
	}
	return err
}

// apply runs the ingest of a group in tx in three pipelined round trips:
// look up, allocate and lock, then write (plus the merges, in the rare
// group that links two existing contacts). It sets *xid to tx's
// transaction id, for commit to ask after when tx's outcome is unknown; a
// try that fails before it learns its id did nothing, and leaves *xid to
// the try before.
func (ib *Inbox) apply(ctx context.Context, tx pgx.Tx, group []*request, xid *string) error {
	p := newPlan(ib.cfg, group)

	b := &pgx.Batch{}
	b.Queue(`SELECT pg_current_xact_id()::text`).QueryRow(func(row pgx.Row) error { return row.Scan(xid) })
	p.res.QueueLookup(b)
	p.queueLookups(b)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	p.markDuplicates()

	b = &pgx.Batch{}
	var contactIDs []int64
	crm.QueueIDs(b, "contacts_id_seq", p.res.Plan(), &contactIDs)
	crm.QueueIDs(b, "conversations_id_seq", p.fresh, &p.convIDs)
	crm.QueueIDs(b, "messages_id_seq", p.fresh, &p.msgIDs)
	if locks := p.res.Existing(); len(locks) > 0 {
		slices.Sort(locks)
		queueLock(b, locks)
	}
	merges := p.res.Merges()
	if len(merges) == 0 {
		p.queueLatest(b)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if len(merges) > 0 {
		// Rare: a message proved two contacts one customer. Merge them,
		// then look for conversations, which the merge moved.
		for _, m := range merges {
			_, err := crm.MergeTx(ctx, tx, m[0], m[1], 0)
			if errors.Is(err, crm.ErrConflict) {
				return crm.ErrRace // merged meanwhile: look again
			}
			if err != nil {
				return err
			}
		}
		b = &pgx.Batch{}
		p.queueLatest(b)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
	}
	if chans := p.cursorChannels(); len(chans) > 0 {
		// Hold the rows whose cursors move before looking at who gave up:
		// a receiver started after its predecessor's caller gave up writes
		// its cursors only after this commit, or this one sees it gave up.
		if _, err := tx.Exec(ctx, `SELECT FROM channels WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`, chans); err != nil {
			return err
		}
	}
	b = &pgx.Batch{}
	p.res.QueueCreate(b, contactIDs)
	p.thread()
	p.queueWrites(b)
	return tx.SendBatch(ctx, b).Close()
}

// queueLock queues taking the locks of the contacts ids (ascending), then
// a check that fails with crm.ErrRace, to look again, when one of them was
// merged away while we waited for its lock.
func queueLock(b *pgx.Batch, ids []int64) {
	b.Queue(crm.LockSQL, ids, crm.LockSpace)
	b.Queue(`SELECT count(*) FROM contacts WHERE id = ANY($1) AND merged_into IS NOT NULL`, ids).
		QueryRow(func(row pgx.Row) error {
			var merged int
			if err := row.Scan(&merged); err != nil {
				return err
			}
			if merged > 0 {
				return crm.ErrRace
			}
			return nil
		})
}

// cursorChannels returns the channels whose cursors the group moves.
func (p *plan) cursorChannels() []int64 {
	var ids []int64
	for _, it := range p.items {
		if it.in.Cursor != "" && !slices.Contains(ids, it.in.ChannelID) {
			ids = append(ids, it.in.ChannelID)
		}
	}
	slices.Sort(ids)
	return ids
}

// cursors returns the last cursor each channel's messages carry, in
// group order, leaving out those of callers that gave up; duplicates
// count, so a re-fetch still moves the cursor.
func (p *plan) cursors() (ids []int64, values []string) {
	last := make(map[int64]string)
	var order []int64
	for i, it := range p.items {
		if it.in.Cursor == "" || p.reqOf[i].ctx.Err() != nil {
			continue
		}
		if _, ok := last[it.in.ChannelID]; !ok {
			order = append(order, it.in.ChannelID)
		}
		last[it.in.ChannelID] = it.in.Cursor
	}
	for _, id := range order {
		ids, values = append(ids, id), append(values, last[id])
	}
	return ids, values
}

// direction maps an inbound message to its stored direction and status.
func direction(in channels.Inbound) (dir, status string) {
	if in.Direction == channels.Out {
		return "out", "sent"
	}
	return "in", "received"
}
