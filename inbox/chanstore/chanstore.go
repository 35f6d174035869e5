// Package chanstore is the channel store: the channels table (kind, name,
// settings, enabled), the channel secrets encrypted at rest, the
// ownership lock that lets one `peyk serve` process run a channel's
// receiver, and the channel cursor. The inbox embeds a Store, so its
// methods are the inbox's too.
package chanstore

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/peykhq/peyk/crm"
)

// Error kinds, shared with crm so the web layer maps one set.
var (
	ErrNotFound = crm.ErrNotFound
	ErrInvalid  = crm.ErrInvalid
	ErrConflict = crm.ErrConflict
)

// Store keeps channels, their secrets, ownership and cursors. It is safe
// for concurrent use.
type Store struct {
	pool        *pgxpool.Pool
	sealer      *sealer
	ownerErrors prometheus.Counter
}

// New returns a Store on pool whose secrets are sealed with secretKey
// (PEYK_SECRET_KEY; empty: secrets can be neither stored nor read).
// ownerErrors, when not nil, counts receivers that stopped with an error
// (see Own).
func New(pool *pgxpool.Pool, secretKey string, ownerErrors prometheus.Counter) *Store {
	return &Store{pool: pool, sealer: newSealer(secretKey), ownerErrors: ownerErrors}
}
