package inbox

import (
	"context"

	"github.com/peykhq/peyk/inbox/audit"
)

// CreateTeam adds a team by the system (AddTeam) and returns its id.
func (ib *Inbox) CreateTeam(ctx context.Context, name string) (int64, error) {
	return ib.AddTeam(ctx, 0, name)
}

// AddTeamMember puts a user in a team by the system (SetTeamMember);
// already a member is fine.
func (ib *Inbox) AddTeamMember(ctx context.Context, team, user int64) error {
	return ib.SetTeamMember(ctx, 0, team, user, true)
}

// SetTeam moves a conversation to a team (0: none).
func (ib *Inbox) SetTeam(ctx context.Context, actor, conv, team int64) error {
	return ib.act(ctx, actor, conv, audit.ActionTeam, audit.Team{TeamID: team},
		`UPDATE conversations SET team_id = NULLIF($2, 0), updated_at = now() WHERE id = $1`, team)
}
