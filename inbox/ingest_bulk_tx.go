package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/crm"
)

// bulkTx is the work of one IngestBulk transaction on the rows staged in
// bulk_rows. Its steps add two staging tables that live until the
// commit: bulk_ids (the senders and their contacts) and bulk_convs (one
// row per contact and channel, with the conversation its messages go
// to).
type bulkTx struct {
	pgx.Tx
	cfg      Config
	maxLocks int
	now      time.Time
	repeats  []int32 // the rows that may repeat an earlier one (bulkLoad.note)
	conflict string  // the message insert's conflict clause (insertSQL)

	inserted int
	deferred [][]any // the staging rows of the messages left for a later transaction
}

// runFrom runs the steps in a savepoint of tx, and again from it when
// they lose a race to a concurrent ingest or a deadlock, as crm.Retry
// would start a transaction over: the staged rows stay. After a message
// stored concurrently, the messages are inserted ON CONFLICT DO NOTHING.
func (t *bulkTx) runFrom(ctx context.Context, tx pgx.Tx) error {
	for attempt := 1; ; attempt++ {
		sp, err := tx.Begin(ctx)
		if err != nil {
			return err
		}
		t.Tx, t.inserted, t.deferred = sp, 0, nil
		if err = t.run(ctx); err == nil {
			return sp.Commit(ctx)
		}
		if sp.Rollback(ctx) != nil || attempt == 5 || !crm.Retryable(err) {
			return err
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.ConstraintName == "messages_channel_id_external_id_key" {
			t.conflict = "ON CONFLICT (channel_id, external_id) DO NOTHING"
		}
	}
}

func (t *bulkTx) run(ctx context.Context) error {
	steps := []func(context.Context) error{t.dedupe, t.resolve, t.lock, t.create, t.write}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// dedupe leaves out of bulk_rows the repeats of a message (the first
// stays) and the messages already stored, before threading, as Ingest
// does, so that importing a file again opens no conversation. LATERAL …
// LIMIT 1 keeps the planner on the unique index. Only the rows of
// channels that have messages are looked up, so the first import into a
// channel looks up none: a message that a concurrent ingest stores
// meanwhile fails the insert, and the steps run again (runFrom), finding
// it here. An index on idx then serves the steps that look up one row per sender or conversation (its
// name, its first message) instead of hashing the whole batch, and
// statistics let the planner hash-join the staging tables instead of
// sorting them.
func (t *bulkTx) dedupe(ctx context.Context) error {
	if len(t.repeats) > 0 {
		// Statistics first, so that many repeats are hash-joined.
		_, err := t.Exec(ctx, `ANALYZE bulk_rows`)
		if err != nil {
			return err
		}
		_, err = t.Exec(ctx, `DELETE FROM bulk_rows r USING bulk_rows q
			WHERE r.idx = ANY($1) AND q.channel = r.channel AND q.ext = r.ext AND q.idx < r.idx`, t.repeats)
		if err != nil {
			return err
		}
	}
	_, err := t.Exec(ctx, `DELETE FROM bulk_rows WHERE idx IN (SELECT q.idx FROM bulk_rows q
			CROSS JOIN LATERAL (SELECT FROM messages WHERE channel_id = q.channel AND external_id = q.ext LIMIT 1) m
			WHERE q.channel IN (SELECT c.channel FROM (SELECT DISTINCT channel FROM bulk_rows) c
				WHERE EXISTS (SELECT FROM messages WHERE channel_id = c.channel)));
		CREATE INDEX ON bulk_rows (idx);
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
// and names a new one after its first call with a name (found by grouping
// and looking it up by idx, not by sorting the whole batch).
const resolveIDsSQL = `SELECT q.ikind, q.ivalue, COALESCE(n.name, '') AS name, COALESCE(n.name_fold, '') AS name_fold,
		i.contact_id IS NULL AS fresh, COALESCE(i.contact_id, nextval('contacts_id_seq')) AS contact, c.merged_into
	FROM (SELECT ikind, ivalue, min(idx) FILTER (WHERE name <> '') AS named FROM bulk_rows GROUP BY ikind, ivalue) q
	LEFT JOIN LATERAL (SELECT name, name_fold FROM bulk_rows WHERE idx = q.named LIMIT 1) n ON true
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
	// The sums of the messages (last, last_in, unread, out_first, the
	// last outbound message's last_out and the first inbound one's
	// first_in) are what a new conversation starts with
	// (insertConversationsSQL).
	_, err = t.Exec(ctx, `CREATE TEMP TABLE bulk_convs ON COMMIT DROP AS
		SELECT p.*, l.id AS latest, COALESCE(l.usable, false) AS usable, NULL::bigint AS conv
		FROM (SELECT b.contact, r.channel, bool_or(b.fresh) AS fresh, min(r.idx) AS first_idx,
				max(r.sent) AS last, max(r.sent) FILTER (WHERE r.dir = 'in') AS last_in,
				(count(*) FILTER (WHERE r.dir = 'in'))::int AS unread, min(r.sent) FILTER (WHERE r.dir = 'out') AS out_first,
				max(r.idx) FILTER (WHERE r.dir = 'out') AS last_out, min(r.idx) FILTER (WHERE r.dir = 'in') AS first_in
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

// deferContacts takes the messages of contacts out of this transaction
// and keeps their staging rows, in order, for a later one.
func (t *bulkTx) deferContacts(ctx context.Context, contacts []int64) error {
	rows, _ := t.Query(ctx, `WITH gone AS (DELETE FROM bulk_rows r USING bulk_ids b
			WHERE b.contact = ANY($1) AND r.ikind = b.ikind AND r.ivalue = b.ivalue RETURNING r.*),
		ids AS (DELETE FROM bulk_ids WHERE contact = ANY($1)),
		convs AS (DELETE FROM bulk_convs WHERE contact = ANY($1))
		SELECT * FROM gone ORDER BY idx`, contacts)
	var err error
	t.deferred, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
	return err
}

// deferredParts returns the deferred rows, in order, split into parts of
// at most maxLocks senders each, a sender's rows in one part.
func (t *bulkTx) deferredParts(maxLocks int) [][][]any {
	part := make(map[[2]string]int) // sender (kind, value) → part
	var parts [][][]any
	for _, r := range t.deferred {
		sender := [2]string{r[13].(string), r[14].(string)}
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
