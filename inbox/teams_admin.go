package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox/audit"
)

// TeamSummary is a team as the teams settings show it: its members, the
// channels that route to it and how many conversations it holds.
type TeamSummary struct {
	ID            int64         `json:"id"`
	Name          string        `json:"name"`
	Members       []TeamMember  `json:"members"`
	Channels      []TeamChannel `json:"channels"`
	Conversations int           `json:"conversations"`
}

// TeamMember is a member of a team; Available and Active say whether SLA
// reassignment may pick them.
type TeamMember struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Available bool   `json:"available"`
	Active    bool   `json:"active"`
}

// TeamChannel is a channel whose new conversations start in a team.
type TeamChannel struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// TeamSummaries returns every team, by name.
func (ib *Inbox) TeamSummaries(ctx context.Context) ([]TeamSummary, error) {
	return ib.teamSummaries(ctx, 0)
}

// teamSummaries returns team id, or every team for 0.
func (ib *Inbox) teamSummaries(ctx context.Context, id int64) ([]TeamSummary, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT t.id, t.name,
			COALESCE((SELECT json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email,
				'available', u.available, 'active', u.active) ORDER BY u.name, u.id)
				FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = t.id), '[]'),
			COALESCE((SELECT json_agg(json_build_object('id', ch.id, 'name', ch.name, 'kind', ch.kind) ORDER BY ch.name, ch.id)
				FROM channels ch WHERE ch.team_id = t.id), '[]'),
			(SELECT count(*) FROM conversations c WHERE c.team_id = t.id)
		FROM teams t WHERE $1::bigint = 0 OR t.id = $1 ORDER BY t.name, t.id`, id)
	var out []TeamSummary
	var s TeamSummary
	_, err := pgx.ForEachRow(rows, []any{&s.ID, &s.Name, &s.Members, &s.Channels, &s.Conversations}, func() error {
		out = append(out, s)
		s = TeamSummary{}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("inbox: teams: %w", err)
	}
	return out, nil
}

// TeamSummaryByID returns one team.
func (ib *Inbox) TeamSummaryByID(ctx context.Context, id int64) (TeamSummary, error) {
	ts, err := ib.teamSummaries(ctx, id)
	if err != nil {
		return TeamSummary{}, err
	}
	if len(ts) == 0 {
		return TeamSummary{}, fmt.Errorf("inbox: team %d: %w", id, ErrNotFound)
	}
	return ts[0], nil
}

// checkTeamName returns name trimmed, or a field error.
func checkTeamName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", channels.Invalid("name", "error.required", "a team needs a name")
	case utf8.RuneCountInString(name) > 100:
		return "", channels.Invalid("name", "teams.error.long", "a team's name has at most 100 characters")
	}
	return name, nil
}

// teamError turns the database's refusals into field errors.
func teamError(err error, name string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		// Both a field error and a conflict: callers that create a team
		// unless it exists look for ErrConflict.
		return &channels.FieldError{Field: "name", Reason: "teams.error.exists",
			Err: fmt.Errorf("a team named %q exists: %w", name, ErrConflict)}
	}
	return err
}

// AddTeam creates a team for actor (0: the system) and returns its id.
func (ib *Inbox) AddTeam(ctx context.Context, actor int64, name string) (int64, error) {
	name, err := checkTeamName(name)
	if err != nil {
		return 0, fmt.Errorf("inbox: create team: %w", err)
	}
	var id int64
	err = pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO teams (name) VALUES ($1) RETURNING id`, name).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "team.create", SubjectType: "team",
			SubjectID: id, Data: map[string]any{"name": name}})
	})
	if err != nil {
		return 0, fmt.Errorf("inbox: create team: %w", teamError(err, name))
	}
	return id, nil
}

// RenameTeam renames team id.
func (ib *Inbox) RenameTeam(ctx context.Context, actor, id int64, name string) error {
	name, err := checkTeamName(name)
	if err == nil {
		err = ib.teamTx(ctx, id, func(tx pgx.Tx, old string) error {
			if _, err := tx.Exec(ctx, `UPDATE teams SET name = $2 WHERE id = $1`, id, name); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "team.rename", SubjectType: "team",
				SubjectID: id, Data: map[string]any{"from": old, "to": name}})
		})
	}
	if err != nil {
		return fmt.Errorf("inbox: rename team %d: %w", id, teamError(err, name))
	}
	return nil
}

// DeleteTeam deletes team id and returns how many conversations it held:
// they stay, without a team (their assignees keep them); its channels
// route to no team and its SLA policy goes.
func (ib *Inbox) DeleteTeam(ctx context.Context, actor, id int64) (int, error) {
	var n int64
	err := ib.teamTx(ctx, id, func(tx pgx.Tx, name string) error {
		// kpi_daily counts requests by team: the KPI rollup recomputes the
		// conversations marked here (no fact records the change).
		ct, err := tx.Exec(ctx, `WITH moved AS (UPDATE conversations SET team_id = NULL, updated_at = now()
				WHERE team_id = $1 RETURNING id)
			INSERT INTO kpi_dirty (conversation_id) SELECT id FROM moved`, id)
		if err != nil {
			return err
		}
		n = ct.RowsAffected()
		if _, err := tx.Exec(ctx, `DELETE FROM teams WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "team.delete", SubjectType: "team",
			SubjectID: id, Data: map[string]any{"name": name, "conversations": n}})
	})
	if err != nil {
		return 0, fmt.Errorf("inbox: delete team %d: %w", id, err)
	}
	return int(n), nil
}

// SetTeamMember adds user to team (member) or takes them out; what is
// already so is left as it is.
func (ib *Inbox) SetTeamMember(ctx context.Context, actor, team, user int64, member bool) error {
	err := ib.teamTx(ctx, team, func(tx pgx.Tx, _ string) error {
		sql, action := `DELETE FROM team_members WHERE team_id = $1 AND user_id = $2`, "team.member_remove"
		if member {
			sql, action = `INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, "team.member_add"
		}
		ct, err := tx.Exec(ctx, sql, team, user)
		if err != nil || ct.RowsAffected() == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: action, SubjectType: "team",
			SubjectID: team, Data: map[string]any{"user_id": user}})
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		err = channels.Invalid("user_id", "teams.error.user", fmt.Sprintf("no user %d", user))
	}
	if err != nil {
		return fmt.Errorf("inbox: team %d member %d: %w", team, user, err)
	}
	return nil
}

// RouteChannel makes the new conversations of channel start in team (0:
// in none). Conversations already open keep their team.
func (ib *Inbox) RouteChannel(ctx context.Context, actor, channel, team int64) error {
	err := pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		return routeChannel(ctx, tx, actor, channel, team, "team_id")
	})
	if err != nil {
		return fmt.Errorf("inbox: route channel %d: %w", channel, err)
	}
	return nil
}

// RouteChannels routes several channels (channel id → team id, 0: none)
// in one transaction: all or none. A bad team is a field error named
// team_CHANNEL, the routing form's field.
func (ib *Inbox) RouteChannels(ctx context.Context, actor int64, routes map[int64]int64) error {
	ids := make([]int64, 0, len(routes))
	for ch := range routes {
		ids = append(ids, ch)
	}
	slices.Sort(ids)
	err := pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		for _, ch := range ids {
			if err := routeChannel(ctx, tx, actor, ch, routes[ch], fmt.Sprintf("team_%d", ch)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("inbox: route channels: %w", err)
	}
	return nil
}

// routeChannel routes one channel in tx; field names the team's field in
// a field error.
func routeChannel(ctx context.Context, tx pgx.Tx, actor, channel, team int64, field string) error {
	ct, err := tx.Exec(ctx, `UPDATE channels SET team_id = NULLIF($2, 0), updated_at = now() WHERE id = $1`, channel, team)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return channels.Invalid(field, "teams.error.team", fmt.Sprintf("no team %d", team))
	}
	if err != nil {
		return err
	}
	if ct.RowsAffected() == 0 {
		return channels.Invalid("channel_id", "teams.error.channel", fmt.Sprintf("no channel %d", channel))
	}
	return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "team.route", SubjectType: audit.SubjectChannel,
		SubjectID: channel, Data: map[string]any{"team_id": team}})
}

// ChannelRoutes returns every channel's team (0: none), by channel id.
func (ib *Inbox) ChannelRoutes(ctx context.Context) ([]TeamChannelRoute, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT id, name, kind, COALESCE(team_id, 0) FROM channels ORDER BY name, id`)
	var out []TeamChannelRoute
	var r TeamChannelRoute
	_, err := pgx.ForEachRow(rows, []any{&r.ID, &r.Name, &r.Kind, &r.TeamID}, func() error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("inbox: channel routes: %w", err)
	}
	return out, nil
}

// TeamChannelRoute is a channel and the team it routes to (0: none).
type TeamChannelRoute struct {
	TeamChannel
	TeamID int64 `json:"team_id"`
}

// teamTx runs fn in a transaction with team id locked; fn gets its name.
func (ib *Inbox) teamTx(ctx context.Context, id int64, fn func(tx pgx.Tx, name string) error) error {
	return pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		var name string
		err := tx.QueryRow(ctx, `SELECT name FROM teams WHERE id = $1 FOR UPDATE`, id).Scan(&name)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("team %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		return fn(tx, name)
	})
}
