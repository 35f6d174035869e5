package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Agent is a user as the inbox shows and assigns them.
type Agent struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Locale    string    `json:"locale"`
	Active    bool      `json:"active"`
	Available bool      `json:"available"`
	CreatedAt time.Time `json:"created_at"`
}

const agentColumns = `id, email, name, role, locale, active, available, created_at`

// Agents returns every user, by name.
func (ib *Inbox) Agents(ctx context.Context) ([]Agent, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT `+agentColumns+` FROM users ORDER BY name, id`)
	as, err := pgx.CollectRows(rows, pgx.RowToStructByName[Agent])
	if err != nil {
		return nil, fmt.Errorf("inbox: agents: %w", err)
	}
	return as, nil
}

// Locales a user may choose.
var locales = map[string]bool{"fa": true, "en": true}

// SetProfile changes a user's own name and locale (fa or en); nil leaves
// a field as it is. It returns the user as stored.
func (ib *Inbox) SetProfile(ctx context.Context, id int64, name, locale *string) (Agent, error) {
	if name != nil {
		n := strings.TrimSpace(*name)
		if n == "" || len([]rune(n)) > 200 {
			return Agent{}, fmt.Errorf("inbox: name must have 1 to 200 characters: %w", ErrInvalid)
		}
		name = &n
	}
	if locale != nil && !locales[*locale] {
		return Agent{}, fmt.Errorf("inbox: locale %q (want fa or en): %w", *locale, ErrInvalid)
	}
	rows, _ := ib.pool.Query(ctx, `UPDATE users SET name = coalesce($2, name), locale = coalesce($3, locale)
		WHERE id = $1 RETURNING `+agentColumns, id, name, locale)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Agent])
	if errors.Is(err, pgx.ErrNoRows) {
		return Agent{}, fmt.Errorf("inbox: user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Agent{}, fmt.Errorf("inbox: set profile of %d: %w", id, err)
	}
	return a, nil
}

// Team is a group of agents that conversations can be routed to.
type Team struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	MemberIDs []int64 `json:"member_ids"`
}

// Teams returns every team with its members, by name.
func (ib *Inbox) Teams(ctx context.Context) ([]Team, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT t.id, t.name,
			ARRAY(SELECT user_id FROM team_members m WHERE m.team_id = t.id ORDER BY user_id) AS member_ids
		FROM teams t ORDER BY t.name, t.id`)
	ts, err := pgx.CollectRows(rows, pgx.RowToStructByName[Team])
	if err != nil {
		return nil, fmt.Errorf("inbox: teams: %w", err)
	}
	return ts, nil
}
