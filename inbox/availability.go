package inbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
)

// SetAvailable marks a user available (true) or away (false), which
// automatic assignment and SLA reassignment read; it returns the user as
// stored.
func (ib *Inbox) SetAvailable(ctx context.Context, id int64, available bool) (Agent, error) {
	rows, _ := ib.pool.Query(ctx, `UPDATE users SET available = $2 WHERE id = $1 RETURNING `+agentColumns, id, available)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Agent])
	if errors.Is(err, pgx.ErrNoRows) {
		return Agent{}, fmt.Errorf("inbox: user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Agent{}, fmt.Errorf("inbox: set availability of %d: %w", id, err)
	}
	return a, nil
}

// assignable fails unless user is 0 (nobody) or an active user: a
// deactivated user is not given conversations.
func (ib *Inbox) assignable(ctx context.Context, user int64) error {
	if user == 0 {
		return nil
	}
	var active bool
	err := ib.pool.QueryRow(ctx, `SELECT active FROM users WHERE id = $1`, user).Scan(&active)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !active) {
		return fmt.Errorf("inbox: assign to user %d: %w", user,
			channels.Invalid("assignee", "people.error.inactive", "no such user, or not active"))
	}
	return err
}
