// Package crm keeps the customer record: contacts, their identities (any
// number of e-mail addresses, phone numbers and chat handles), resolution of
// a sender to a contact, merge and undo, tags, custom attributes and search.
package crm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
)

// Store reads and writes contacts in PostgreSQL.
type Store struct {
	pool  *pgxpool.Pool
	kinds IdentityKinds
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// WithKinds returns a copy of s that normalizes identities by the
// declarations of kinds (the channel registry), see NormalizeWith.
func (s *Store) WithKinds(kinds IdentityKinds) *Store {
	c := *s
	c.kinds = kinds
	return &c
}

// Contact is a customer record.
type Contact struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Locale     string         `json:"locale"`
	Tags       []string       `json:"tags"`
	Attributes map[string]any `json:"attributes"`
	MergedInto *int64         `json:"merged_into,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
	Identities []Identity     `json:"identities" db:"-"`
}

// Identity is one normalized handle of a contact.
type Identity struct {
	ID        int64     `json:"id"`
	ContactID int64     `json:"contact_id"`
	Kind      string    `json:"kind"`
	Value     string    `json:"value"`
	CreatedAt time.Time `json:"created_at"`
}

const contactColumns = `id, name, locale, tags, attributes, merged_into, created_at, updated_at`

// Resolve returns the contact that owns the given identities, creating the
// contact and any unseen identities on first sight. The first identity is
// the sender; the others are linked to its contact. Concurrent calls for
// one new sender yield one contact.
func (s *Store) Resolve(ctx context.Context, ids ...channels.Identity) (int64, error) {
	if len(ids) == 0 {
		return 0, fmt.Errorf("crm: resolve: no identity: %w", ErrInvalid)
	}
	group := make([]channels.Identity, len(ids))
	for i, id := range ids {
		n, err := NormalizeWith(s.kinds, id)
		if err != nil {
			return 0, err
		}
		group[i] = n
	}
	var contact int64
	err := Retry(ctx, s.pool, func(tx pgx.Tx) error {
		r := NewResolution([][]channels.Identity{group})
		b := &pgx.Batch{}
		r.QueueLookup(b)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		var newIDs []int64
		b = &pgx.Batch{}
		QueueIDs(b, "contacts_id_seq", r.Plan(), &newIDs)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		for _, m := range r.Merges() {
			if _, err := MergeTx(ctx, tx, m[0], m[1], 0); err != nil {
				return err
			}
		}
		b = &pgx.Batch{}
		r.QueueCreate(b, newIDs)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		contact = r.Contact(0)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("crm: resolve: %w", err)
	}
	return contact, nil
}

// Retry runs fn in a transaction and commits, trying again (up to five
// times) when the transaction lost a race: ErrRace, a deadlock, a
// serialization failure or a unique violation.
func Retry(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = pgx.BeginFunc(ctx, pool, fn)
		if err == nil || !Retryable(err) {
			return err
		}
	}
	return err
}

// Retryable reports whether Retry starts a transaction over for err: a
// race lost to a concurrent writer (ErrRace), a serialization failure, a
// deadlock or a unique violation.
func Retryable(err error) bool {
	if errors.Is(err, ErrRace) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "40001", "40P01", "23505": // serialization, deadlock, unique
			return true
		}
	}
	return false
}

// Get returns a contact with its identities.
func (s *Store) Get(ctx context.Context, id int64) (Contact, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+contactColumns+` FROM contacts WHERE id = $1`, id)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByNameLax[Contact])
	if errors.Is(err, pgx.ErrNoRows) {
		return Contact{}, fmt.Errorf("crm: contact %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Contact{}, fmt.Errorf("crm: get contact %d: %w", id, err)
	}
	rows, _ = s.pool.Query(ctx, `SELECT id, contact_id, kind, value, created_at
		FROM contact_identities WHERE contact_id = $1 ORDER BY id`, id)
	c.Identities, err = pgx.CollectRows(rows, pgx.RowToStructByName[Identity])
	if err != nil {
		return Contact{}, fmt.Errorf("crm: get identities of %d: %w", id, err)
	}
	return c, nil
}

// AddIdentity links an identity to a live contact. It fails with
// ErrConflict when the identity belongs to another contact (merge them
// instead) or the contact was merged away, and ErrNotFound when the
// contact does not exist.
func (s *Store) AddIdentity(ctx context.Context, contactID int64, id channels.Identity) error {
	n, err := NormalizeWith(s.kinds, id)
	if err != nil {
		return err
	}
	err = Retry(ctx, s.pool, func(tx pgx.Tx) error {
		if err := live(ctx, tx, contactID, "FOR SHARE"); err != nil {
			return err
		}
		var owner int64
		err := tx.QueryRow(ctx, `WITH ins AS (
				INSERT INTO contact_identities (contact_id, kind, value) VALUES ($1, $2, $3)
				ON CONFLICT (kind, value) DO NOTHING RETURNING contact_id)
			SELECT contact_id FROM ins
			UNION ALL SELECT contact_id FROM contact_identities WHERE kind = $2 AND value = $3
			LIMIT 1`, contactID, string(n.Kind), n.Value).Scan(&owner)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrRace // inserted by a transaction not yet committed
		}
		if err != nil {
			return err
		}
		if owner != contactID {
			return fmt.Errorf("%s %s belongs to contact %d: %w", n.Kind, n.Value, owner, ErrConflict)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("crm: add identity to %d: %w", contactID, err)
	}
	return nil
}

// live checks that a contact exists and was not merged away, locking its
// row with lock ("FOR SHARE", "FOR UPDATE" or "").
func live(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, id int64, lock string) error {
	var merged bool
	err := q.QueryRow(ctx, `SELECT merged_into IS NOT NULL FROM contacts WHERE id = $1 `+lock, id).Scan(&merged)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("contact %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if merged {
		return fmt.Errorf("contact %d was merged into another: %w", id, ErrConflict)
	}
	return nil
}

// SetName renames a contact.
func (s *Store) SetName(ctx context.Context, id int64, name string) error {
	name = cleanName(name)
	return s.exec(ctx, id, `UPDATE contacts SET name = $2, name_fold = $3, updated_at = now() WHERE id = $1`,
		id, name, Fold(name))
}

// exec runs an update of contact id that ends in "WHERE id = $1"; merged
// contacts are left alone (ErrConflict) and missing ones give ErrNotFound.
func (s *Store) exec(ctx context.Context, id int64, sql string, args ...any) error {
	ct, err := s.pool.Exec(ctx, sql+" AND merged_into IS NULL", args...)
	if err != nil {
		return fmt.Errorf("crm: update contact %d: %w", id, err)
	}
	if ct.RowsAffected() == 0 {
		if err := live(ctx, s.pool, id, ""); err != nil {
			return fmt.Errorf("crm: update: %w", err)
		}
		return fmt.Errorf("crm: contact %d changed concurrently: %w", id, ErrConflict)
	}
	return nil
}
