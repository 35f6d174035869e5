package inbox

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// bulkTx is one IngestBulk transaction. Its steps work on three staging
// tables that live until the commit: bulk_rows (the messages), bulk_ids
// (their senders and contacts) and bulk_convs (one row per contact and
// channel, with the conversation its messages go to).
type bulkTx struct {
	pgx.Tx
	cfg      Config
	rows     [][]any
	maxLocks int
	now      time.Time

	inserted int
	deferred []int // indexes into rows of the messages left for a later transaction
}

func (t *bulkTx) run(ctx context.Context) error {
	steps := []func(context.Context) error{t.copyRows, t.resolve, t.lock, t.create, t.write}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// copyRows loads the rows into bulk_rows.
func (t *bulkTx) copyRows(ctx context.Context) error {
	// The steps join and sort whole batches: in memory, and without JIT
	// compiling each statement anew.
	_, err := t.Exec(ctx, `SET LOCAL jit = off; SET LOCAL work_mem = '128MB';
	CREATE TEMP TABLE bulk_rows (
		idx int NOT NULL, channel bigint NOT NULL, ext text NOT NULL, dir text NOT NULL, kind text NOT NULL,
		status text NOT NULL, body text NOT NULL, html text NOT NULL, subject text NOT NULL, headers text NOT NULL,
		call text NOT NULL, truncated bool NOT NULL, sent timestamptz NOT NULL, ikind text NOT NULL,
		ivalue text NOT NULL, name text NOT NULL, name_fold text NOT NULL, callback text NOT NULL
	) ON COMMIT DROP`)
	if err != nil {
		return err
	}
	if _, err = t.CopyFrom(ctx, pgx.Identifier{"bulk_rows"}, bulkColumns, pgx.CopyFromRows(t.rows)); err != nil {
		return err
	}
	// Messages already stored are left out before threading, as Ingest
	// does, so that importing a file again opens no conversation. LATERAL
	// … LIMIT 1 keeps the planner on the unique index. Statistics then let
	// the planner hash-join the staging tables instead of sorting them.
	_, err = t.Exec(ctx, `DELETE FROM bulk_rows WHERE idx IN (SELECT q.idx FROM bulk_rows q
			CROSS JOIN LATERAL (SELECT FROM messages WHERE channel_id = q.channel AND external_id = q.ext LIMIT 1) m);
		ANALYZE bulk_rows`)
	return err
}

// latestSQL finds the latest conversation of the contact and channel of
// the row %[1]s and whether new messages continue it: the threading rule
// of chatThread, unless resolved before the cutoff $1 (now less
// Config.ReopenWithin).
const latestSQL = `(SELECT id, NOT COALESCE(status = 'resolved' AND resolved_at < $1, false) AS usable
	FROM conversations WHERE contact_id = %[1]s.contact AND channel_id = %[1]s.channel
	ORDER BY id DESC LIMIT 1)`

// resolveIDsSQL finds the contact of each sender, or numbers a new one,
// and names a new one after its first call with a name.
const resolveIDsSQL = `SELECT q.ikind, q.ivalue, q.name, q.name_fold, i.contact_id IS NULL AS fresh,
		COALESCE(i.contact_id, nextval('contacts_id_seq')) AS contact, c.merged_into
	FROM (SELECT DISTINCT ON (ikind, ivalue) ikind, ivalue, name, name_fold FROM bulk_rows
		ORDER BY ikind, ivalue, name = '', idx) q
	LEFT JOIN LATERAL (SELECT contact_id FROM contact_identities
		WHERE kind = q.ikind AND value = q.ivalue LIMIT 1) i ON true
	LEFT JOIN contacts c ON c.id = i.contact_id`

// resolve finds each sender's contact, following merges, numbers the
// contacts to create, and finds each contact's latest conversation.
func (t *bulkTx) resolve(ctx context.Context) error {
	// LATERAL … LIMIT 1 keeps the planner on the unique index, as in
	// crm.Resolution.QueueLookup.
	_, err := t.Exec(ctx, `CREATE TEMP TABLE bulk_ids ON COMMIT DROP AS `+resolveIDsSQL)
	if err != nil {
		return err
	}
	// An identity left on a merged contact (merged_into set) belongs to
	// the contact it was merged into, perhaps after several merges.
	for range 100 {
		ct, err := t.Exec(ctx, `UPDATE bulk_ids b SET contact = b.merged_into, merged_into = c.merged_into
			FROM contacts c WHERE b.merged_into IS NOT NULL AND c.id = b.merged_into`)
		if err != nil {
			return err
		}
		if ct.RowsAffected() == 0 {
			break
		}
	}
	if _, err := t.Exec(ctx, `ANALYZE bulk_ids`); err != nil {
		return err
	}
	_, err = t.Exec(ctx, `CREATE TEMP TABLE bulk_convs ON COMMIT DROP AS
		SELECT p.contact, p.channel, p.fresh, p.first_idx, l.id AS latest,
			COALESCE(l.usable, false) AS usable, NULL::bigint AS conv
		FROM (SELECT b.contact, r.channel, bool_or(b.fresh) AS fresh, min(r.idx) AS first_idx
			FROM bulk_rows r JOIN bulk_ids b ON b.ikind = r.ikind AND b.ivalue = r.ivalue
			GROUP BY b.contact, r.channel) p
		LEFT JOIN LATERAL `+fmt.Sprintf(latestSQL, "p")+` l ON NOT p.fresh`, t.now.Add(-t.cfg.ReopenWithin))
	if err != nil {
		return err
	}
	_, err = t.Exec(ctx, `ANALYZE bulk_convs`)
	return err
}

// lock takes the locks of the existing contacts that get a new
// conversation, so that a concurrent Ingest cannot open a second one (and
// a merge cannot move them meanwhile), and looks again at their latest
// conversations. Beyond maxLocks such contacts, their messages are left
// for another transaction. New contacts need no lock: the unique identity
// makes a concurrent Ingest of the same sender wait for this commit, or
// this one fail with crm.ErrRace and start over.
func (t *bulkTx) lock(ctx context.Context) error {
	rows, _ := t.Query(ctx, `SELECT DISTINCT contact FROM bulk_convs WHERE NOT fresh AND NOT usable ORDER BY contact`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) == 0 {
		return err
	}
	if len(ids) > t.maxLocks {
		if err := t.deferContacts(ctx, ids[t.maxLocks:]); err != nil {
			return err
		}
		ids = ids[:t.maxLocks]
	}
	b := &pgx.Batch{}
	queueLock(b, ids)
	b.Queue(`UPDATE bulk_convs v SET latest = l.id, usable = COALESCE(l.usable, false)
		FROM bulk_convs w LEFT JOIN LATERAL `+fmt.Sprintf(latestSQL, "w")+` l ON true
		WHERE NOT w.fresh AND NOT w.usable AND v.contact = w.contact AND v.channel = w.channel`,
		t.now.Add(-t.cfg.ReopenWithin))
	return t.SendBatch(ctx, b).Close()
}

// deferContacts takes the messages of contacts out of this transaction.
func (t *bulkTx) deferContacts(ctx context.Context, contacts []int64) error {
	rows, _ := t.Query(ctx, `WITH gone AS (DELETE FROM bulk_rows r USING bulk_ids b
			WHERE b.contact = ANY($1) AND r.ikind = b.ikind AND r.ivalue = b.ivalue RETURNING r.idx),
		ids AS (DELETE FROM bulk_ids WHERE contact = ANY($1)),
		convs AS (DELETE FROM bulk_convs WHERE contact = ANY($1))
		SELECT idx FROM gone`, contacts)
	idxs, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return err
	}
	at := make(map[int32]int, len(t.rows))
	for i, r := range t.rows {
		at[r[0].(int32)] = i
	}
	t.deferred = t.deferred[:0]
	for _, idx := range idxs {
		t.deferred = append(t.deferred, at[idx])
	}
	return nil
}

// deferredParts returns the deferred rows, in order, split into parts of
// at most maxLocks senders each, a sender's rows in one part.
func (t *bulkTx) deferredParts(maxLocks int) [][][]any {
	if len(t.deferred) == 0 {
		return nil
	}
	part := make(map[string]int)
	var parts [][][]any
	slices.Sort(t.deferred)
	for _, i := range t.deferred {
		r := t.rows[i]
		sender := r[13].(string) + ":" + r[14].(string)
		p, ok := part[sender]
		if !ok {
			p = len(part) / maxLocks
			part[sender] = p
		}
		for len(parts) <= p {
			parts = append(parts, nil)
		}
		parts[p] = append(parts[p], r)
	}
	return parts
}
