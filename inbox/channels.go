package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
)

// Channel is a configured channel (one mailbox, one bot, one SMS line).
type Channel struct {
	ID        int64           `json:"id"`
	Kind      channels.Kind   `json:"kind"`
	Name      string          `json:"name"`
	Config    json.RawMessage `json:"config"`
	Enabled   bool            `json:"enabled"`
	Cursor    string          `json:"cursor"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// CreateChannel adds a channel with its non-secret configuration and
// returns its id.
func (ib *Inbox) CreateChannel(ctx context.Context, kind channels.Kind, name string, config any) (int64, error) {
	return ib.AddChannel(ctx, kind, name, config, nil)
}

// AddChannel adds a channel with its configuration and, when not nil, its
// secrets (encrypted with the secret key) in one statement, and returns
// its id: a channel is never stored without the secrets it needs.
func (ib *Inbox) AddChannel(ctx context.Context, kind channels.Kind, name string, config, secrets any) (int64, error) {
	if kind == "" || name == "" {
		return 0, fmt.Errorf("inbox: channel needs a kind and a name: %w", ErrInvalid)
	}
	if config == nil {
		config = map[string]any{}
	}
	js, err := json.Marshal(config)
	if err != nil {
		return 0, fmt.Errorf("inbox: channel config: %v: %w", err, ErrInvalid)
	}
	var sealed []byte
	if secrets != nil {
		if sealed, err = ib.sealer.seal(secrets); err != nil {
			return 0, err
		}
	}
	var id int64
	err = ib.pool.QueryRow(ctx, `INSERT INTO channels (kind, name, config, secrets) VALUES ($1, $2, $3, $4) RETURNING id`,
		string(kind), name, js, sealed).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("inbox: create channel: %w", err)
	}
	return id, nil
}

// Channel returns one channel.
func (ib *Inbox) Channel(ctx context.Context, id int64) (Channel, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT id, kind, name, config, enabled, cursor, created_at, updated_at
		FROM channels WHERE id = $1`, id)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Channel])
	if errors.Is(err, pgx.ErrNoRows) {
		return Channel{}, fmt.Errorf("inbox: channel %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Channel{}, fmt.Errorf("inbox: channel %d: %w", id, err)
	}
	return c, nil
}

// Channels lists every channel.
func (ib *Inbox) Channels(ctx context.Context) ([]Channel, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT id, kind, name, config, enabled, cursor, created_at, updated_at
		FROM channels ORDER BY id`)
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Channel])
	if err != nil {
		return nil, fmt.Errorf("inbox: list channels: %w", err)
	}
	return cs, nil
}
