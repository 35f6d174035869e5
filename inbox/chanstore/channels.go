package chanstore

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
func (s *Store) CreateChannel(ctx context.Context, kind channels.Kind, name string, config any) (int64, error) {
	return s.AddChannel(ctx, kind, name, config, nil)
}

// AddChannel adds a channel with its configuration and, when not nil, its
// secrets (encrypted with the secret key) in one statement, and returns
// its id: a channel is never stored without the secrets it needs.
func (s *Store) AddChannel(ctx context.Context, kind channels.Kind, name string, config, secrets any) (int64, error) {
	if kind == "" || name == "" {
		return 0, fmt.Errorf("chanstore: channel needs a kind and a name: %w", ErrInvalid)
	}
	if config == nil {
		config = map[string]any{}
	}
	js, err := json.Marshal(config)
	if err != nil {
		return 0, fmt.Errorf("chanstore: channel config: %v: %w", err, ErrInvalid)
	}
	var sealed []byte
	if secrets != nil {
		if sealed, err = s.sealer.seal(secrets); err != nil {
			return 0, err
		}
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO channels (kind, name, config, secrets) VALUES ($1, $2, $3, $4) RETURNING id`,
			string(kind), name, js, sealed).Scan(&id); err != nil {
			return err
		}
		return record(ctx, tx, "channel.create", id, map[string]any{"kind": kind, "name": name})
	})
	if err != nil {
		return 0, fmt.Errorf("chanstore: create channel: %w", err)
	}
	return id, nil
}

// Channel returns one channel.
func (s *Store) Channel(ctx context.Context, id int64) (Channel, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, kind, name, config, enabled, cursor, created_at, updated_at
		FROM channels WHERE id = $1`, id)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Channel])
	if errors.Is(err, pgx.ErrNoRows) {
		return Channel{}, fmt.Errorf("chanstore: channel %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Channel{}, fmt.Errorf("chanstore: channel %d: %w", id, err)
	}
	return c, nil
}

// Channels lists every channel.
func (s *Store) Channels(ctx context.Context) ([]Channel, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, kind, name, config, enabled, cursor, created_at, updated_at
		FROM channels ORDER BY id`)
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Channel])
	if err != nil {
		return nil, fmt.Errorf("chanstore: list channels: %w", err)
	}
	return cs, nil
}

// UpdateChannel replaces a channel's name (kept when empty), its
// non-secret configuration and its secrets (encrypted; kept when nil) in
// one statement, and moves updated_at so that what was built from the old
// settings (cached webhooks, running receivers) is built anew.
func (s *Store) UpdateChannel(ctx context.Context, id int64, name string, config, secrets any) error {
	if config == nil {
		config = map[string]any{}
	}
	js, err := json.Marshal(config)
	if err != nil {
		return fmt.Errorf("chanstore: channel config: %v: %w", err, ErrInvalid)
	}
	var sealed []byte
	if secrets != nil {
		if sealed, err = s.sealer.seal(secrets); err != nil {
			return err
		}
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, `UPDATE channels SET name = coalesce(nullif($2, ''), name), config = $3,
			secrets = coalesce($4, secrets), updated_at = greatest(now(), updated_at + interval '1 microsecond')
			WHERE id = $1`, id, name, js, sealed)
		if err != nil {
			return err
		}
		if ct.RowsAffected() == 0 {
			return fmt.Errorf("channel %d: %w", id, ErrNotFound)
		}
		return record(ctx, tx, "channel.update", id, map[string]any{"name": name, "settings": keys(js), "secrets": sealed != nil})
	})
	if err != nil {
		return fmt.Errorf("chanstore: update channel %d: %w", id, err)
	}
	return nil
}

// SetChannelEnabled enables or disables a channel. A disabled channel
// keeps its settings and history; its receiver stops, its webhooks answer
// 404 and sends through it fail.
func (s *Store) SetChannelEnabled(ctx context.Context, id int64, enabled bool) error {
	action := map[bool]string{true: "channel.enable", false: "channel.disable"}[enabled]
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, `UPDATE channels SET enabled = $2,
			updated_at = greatest(now(), updated_at + interval '1 microsecond') WHERE id = $1`, id, enabled)
		if err != nil {
			return err
		}
		if ct.RowsAffected() == 0 {
			return fmt.Errorf("channel %d: %w", id, ErrNotFound)
		}
		return record(ctx, tx, action, id, nil)
	})
	if err != nil {
		return fmt.Errorf("chanstore: set channel %d enabled: %w", id, err)
	}
	return nil
}

// ChannelInUseError is the error of DeleteChannel without force on a
// channel that has conversations. It wraps ErrConflict.
type ChannelInUseError struct {
	ID            int64
	Conversations int
}

func (e *ChannelInUseError) Error() string {
	return fmt.Sprintf("channel %d has %d conversation(s): disable it instead, or delete with force (its conversations and messages are kept, without a channel; its queued messages fail)",
		e.ID, e.Conversations)
}

// Unwrap makes the error a kind of ErrConflict.
func (e *ChannelInUseError) Unwrap() error { return ErrConflict }

// DeleteChannel deletes a channel. When the channel has conversations it
// refuses with a *ChannelInUseError unless force is set; forced, it keeps
// the conversations and messages, detached from the channel, and marks
// the messages still queued for sending through it failed. It returns how
// many conversations the channel had.
func (s *Store) DeleteChannel(ctx context.Context, id int64, force bool) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var found bool
		if err := tx.QueryRow(ctx, `SELECT true FROM channels WHERE id = $1 FOR UPDATE`, id).Scan(&found); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("channel %d: %w", id, ErrNotFound)
			}
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM conversations WHERE channel_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 && !force {
			return &ChannelInUseError{ID: id, Conversations: n}
		}
		b := &pgx.Batch{}
		b.Queue(`UPDATE messages SET status = 'failed', error = 'the channel was deleted'
			WHERE channel_id = $1 AND direction = 'out' AND status = 'queued'`, id)
		b.Queue(`UPDATE messages SET channel_id = NULL WHERE channel_id = $1`, id)
		// kpi_daily counts requests by channel: the KPI rollup recomputes
		// the conversations marked here (no fact records the change).
		b.Queue(`WITH moved AS (UPDATE conversations SET channel_id = NULL WHERE channel_id = $1 RETURNING id)
			INSERT INTO kpi_dirty (conversation_id) SELECT id FROM moved`, id)
		b.Queue(`DELETE FROM channels WHERE id = $1`, id)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		return record(ctx, tx, "channel.delete", id, map[string]any{"conversations": n, "force": force})
	})
	if err != nil {
		return n, fmt.Errorf("chanstore: delete channel %d: %w", id, err)
	}
	return n, nil
}
