package inbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/inbox/audit"
)

// CreateTeam adds a team and returns its id.
func (ib *Inbox) CreateTeam(ctx context.Context, name string) (int64, error) {
	if name == "" {
		return 0, fmt.Errorf("inbox: team needs a name: %w", ErrInvalid)
	}
	var id int64
	err := ib.pool.QueryRow(ctx, `INSERT INTO teams (name) VALUES ($1) RETURNING id`, name).Scan(&id)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return 0, fmt.Errorf("inbox: team %q exists: %w", name, ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("inbox: create team: %w", err)
	}
	return id, nil
}

// AddTeamMember puts a user in a team; already a member is fine.
func (ib *Inbox) AddTeamMember(ctx context.Context, team, user int64) error {
	_, err := ib.pool.Exec(ctx, `INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, team, user)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return fmt.Errorf("inbox: team %d or user %d: %w", team, user, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("inbox: add team member: %w", err)
	}
	return nil
}

// SetTeam moves a conversation to a team (0: none).
func (ib *Inbox) SetTeam(ctx context.Context, actor, conv, team int64) error {
	return ib.act(ctx, actor, conv, audit.ActionTeam, audit.Team{TeamID: team},
		`UPDATE conversations SET team_id = NULLIF($2, 0), updated_at = now() WHERE id = $1`, team)
}
