package crm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// snapshot is the part of a contact a merge changes and its undo restores.
type snapshot struct {
	Name       string          `json:"name"`
	Tags       []string        `json:"tags"`
	Attributes json.RawMessage `json:"attributes"`
}

// Merge folds contact source into contact target: the source's identities
// and conversations (with their messages) move to the target, tags are
// united, attributes the target lacks are copied, and the source is marked
// merged into the target. It records an audit row and returns the merge id
// that Unmerge takes. actor is the user doing it (0 for the system).
func (s *Store) Merge(ctx context.Context, target, source, actor int64) (int64, error) {
	if target == source {
		return 0, fmt.Errorf("crm: merge contact %d into itself: %w", target, ErrInvalid)
	}
	var mergeID int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		mergeID, err = MergeTx(ctx, tx, target, source, actor)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("crm: merge %d into %d: %w", source, target, err)
	}
	return mergeID, nil
}

// MergeTx is Merge inside the caller's transaction; the ingest uses it
// when a message proves two contacts are one customer. It takes the
// contacts' advisory locks (see LockContacts) so it serializes with ingest.
func MergeTx(ctx context.Context, tx pgx.Tx, target, source, actor int64) (int64, error) {
	var mergeID int64
	if _, err := tx.Exec(ctx, LockSQL, sortedIDs(target, source), LockSpace); err != nil {
		return 0, err
	}
	snaps, err := lockContacts(ctx, tx, target, source)
	if err != nil {
		return 0, err
	}
	var idents, convs []int64
	err = tx.QueryRow(ctx, `WITH i AS (
			UPDATE contact_identities SET contact_id = $1 WHERE contact_id = $2 RETURNING id),
		c AS (UPDATE conversations SET contact_id = $1, updated_at = now() WHERE contact_id = $2 RETURNING id)
		SELECT ARRAY(SELECT id FROM i ORDER BY id), ARRAY(SELECT id FROM c ORDER BY id)`,
		target, source).Scan(&idents, &convs)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `UPDATE contacts t SET
			name = CASE WHEN t.name = '' THEN s.name ELSE t.name END,
			name_fold = CASE WHEN t.name = '' THEN s.name_fold ELSE t.name_fold END,
			tags = ARRAY(SELECT DISTINCT x FROM unnest(t.tags || s.tags) x ORDER BY x),
			attributes = s.attributes || t.attributes,
			updated_at = now()
		FROM contacts s WHERE t.id = $1 AND s.id = $2`, target, source)
	if err != nil {
		return 0, err
	}
	if _, err = tx.Exec(ctx, `UPDATE contacts SET merged_into = $1, updated_at = now() WHERE id = $2`,
		target, source); err != nil {
		return 0, err
	}
	err = tx.QueryRow(ctx, `INSERT INTO contact_merges
			(target_id, source_id, identity_ids, conversation_ids, target_before, source_before, actor_id)
		VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0)) RETURNING id`,
		target, source, idents, convs, snaps[target], snaps[source], actor).Scan(&mergeID)
	if err != nil {
		return 0, err
	}
	return mergeID, Audit(ctx, tx, actor, "contact.merge", "contact", target, map[string]any{
		"merge_id": mergeID, "source_id": source,
		"identities": len(idents), "conversations": len(convs)})
}

// lockContacts locks two live contacts in id order and returns their
// snapshots by id.
func lockContacts(ctx context.Context, tx pgx.Tx, a, b int64) (map[int64]snapshot, error) {
	rows, _ := tx.Query(ctx, `SELECT id, merged_into IS NOT NULL, name, tags, attributes
		FROM contacts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, a, b)
	snaps := make(map[int64]snapshot)
	var id int64
	var merged bool
	var sn snapshot
	_, err := pgx.ForEachRow(rows, []any{&id, &merged, &sn.Name, &sn.Tags, &sn.Attributes}, func() error {
		if merged {
			return fmt.Errorf("contact %d is already merged: %w", id, ErrConflict)
		}
		snaps[id] = sn
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range []int64{a, b} {
		if _, ok := snaps[id]; !ok {
			return nil, fmt.Errorf("contact %d: %w", id, ErrNotFound)
		}
	}
	return snaps, nil
}

// Unmerge undoes a merge: the identities and conversations that moved go
// back, both contacts get back the name, tags and attributes they had, and
// the source is live again. Things added to the target since the merge
// stay with the target. A merge can be undone once, and only while the
// target has not itself been merged away.
func (s *Store) Unmerge(ctx context.Context, mergeID, actor int64) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var target, source int64
		var idents, convs []int64
		var tb, sb snapshot
		var undone bool
		err := tx.QueryRow(ctx, `SELECT target_id, source_id, identity_ids, conversation_ids,
				target_before, source_before, undone_at IS NOT NULL
			FROM contact_merges WHERE id = $1 FOR UPDATE`, mergeID).
			Scan(&target, &source, &idents, &convs, &tb, &sb, &undone)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("merge %d: %w", mergeID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if undone {
			return fmt.Errorf("merge %d is already undone: %w", mergeID, ErrConflict)
		}
		if _, err := tx.Exec(ctx, LockSQL, sortedIDs(target, source), LockSpace); err != nil {
			return err
		}
		var targetMerged bool
		if err := tx.QueryRow(ctx, `SELECT merged_into IS NOT NULL FROM contacts WHERE id = $1 FOR UPDATE`,
			target).Scan(&targetMerged); err != nil {
			return err
		}
		if targetMerged {
			return fmt.Errorf("contact %d was merged again since; undo that first: %w", target, ErrConflict)
		}
		batch := &pgx.Batch{}
		batch.Queue(`UPDATE contact_identities SET contact_id = $2 WHERE id = ANY($3) AND contact_id = $1`,
			target, source, idents)
		batch.Queue(`UPDATE conversations SET contact_id = $2, updated_at = now()
			WHERE id = ANY($3) AND contact_id = $1`, target, source, convs)
		for id, sn := range map[int64]snapshot{target: tb, source: sb} {
			batch.Queue(`UPDATE contacts SET name = $2, name_fold = $3, tags = $4, attributes = $5,
				merged_into = NULL, updated_at = now() WHERE id = $1`,
				id, sn.Name, Fold(sn.Name), sn.Tags, sn.Attributes)
		}
		batch.Queue(`UPDATE contact_merges SET undone_at = now() WHERE id = $1`, mergeID)
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return err
		}
		return Audit(ctx, tx, actor, "contact.unmerge", "contact", target,
			map[string]any{"merge_id": mergeID, "source_id": source})
	})
	if err != nil {
		return fmt.Errorf("crm: unmerge %d: %w", mergeID, err)
	}
	return nil
}

// Audit records an audit event in tx. actor 0 means the system.
func Audit(ctx context.Context, tx pgx.Tx, actor int64, action, subjectType string, subjectID int64, data any) error {
	js, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_events (actor_id, action, subject_type, subject_id, data)
		VALUES (NULLIF($1, 0), $2, $3, $4, $5)`, actor, action, subjectType, subjectID, js)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
