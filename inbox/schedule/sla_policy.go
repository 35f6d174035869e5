package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/audit"
)

// SLAPolicy is what the workers enforce and the settings page, the API
// and the CLI show and edit: response targets for one team, one channel
// or (neither) every other conversation. A conversation gets its
// channel's policy, else its team's, else the global one.
type SLAPolicy struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	TeamID    *int64 `json:"team_id"`
	ChannelID *int64 `json:"channel_id"`
	// FirstResponse is the time to the first answer of a conversation.
	FirstResponse time.Duration `json:"-"`
	// NextResponse (0: none) is the time to answer a customer who wrote
	// again after being answered.
	NextResponse time.Duration `json:"-"`
	// BusinessHours counts only the Calendar's open time (its week less
	// its holidays); otherwise every minute counts.
	BusinessHours bool     `json:"business_hours"`
	Calendar      Calendar `json:"calendar"`
	// PauseOnHold stops the clock while the conversation is pending or
	// snoozed.
	PauseOnHold bool `json:"pause_on_hold"`
	// Notify tells the assignee (else the team's members, else the
	// admins) of a breach.
	Notify bool `json:"notify"`
	// Reassign moves a breached conversation to the next available,
	// active member of its team (round-robin; any available agent for a
	// conversation without a team).
	Reassign bool `json:"reassign"`
}

type policyJSON SLAPolicy

// MarshalJSON writes the targets in minutes.
func (p SLAPolicy) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		policyJSON
		First int `json:"first_response_minutes"`
		Next  int `json:"next_response_minutes"`
	}{policyJSON(p), int(p.FirstResponse / time.Minute), int(p.NextResponse / time.Minute)})
}

// UnmarshalJSON reads the targets in minutes; the fields left out keep
// their value, so a policy can be patched.
func (p *SLAPolicy) UnmarshalJSON(b []byte) error {
	var in struct {
		*policyJSON
		First *int `json:"first_response_minutes"`
		Next  *int `json:"next_response_minutes"`
	}
	in.policyJSON = (*policyJSON)(p)
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	if in.First != nil {
		p.FirstResponse = time.Duration(*in.First) * time.Minute
	}
	if in.Next != nil {
		p.NextResponse = time.Duration(*in.Next) * time.Minute
	}
	return nil
}

// DefaultSLAPolicy is a new policy as the settings page first shows it:
// four hours to the first answer and to the next, in business hours on
// the Iranian week with the official holidays, paused while on hold,
// notifying and reassigning on a breach.
func DefaultSLAPolicy() SLAPolicy {
	cal := IranianWeek()
	cal.OfficialHolidays = true
	return SLAPolicy{FirstResponse: 4 * time.Hour, NextResponse: 4 * time.Hour, BusinessHours: true,
		Calendar: cal, PauseOnHold: true, Notify: true, Reassign: true}
}

const policyColumns = `id, name, team_id, channel_id, first_response_minutes, COALESCE(next_response_minutes, 0),
	business_hours, calendar, pause_on_hold, notify, reassign`

func scanPolicy(row pgx.Row) (SLAPolicy, error) {
	var p SLAPolicy
	var first, next int
	err := row.Scan(&p.ID, &p.Name, &p.TeamID, &p.ChannelID, &first, &next, &p.BusinessHours, &p.Calendar,
		&p.PauseOnHold, &p.Notify, &p.Reassign)
	p.FirstResponse, p.NextResponse = time.Duration(first)*time.Minute, time.Duration(next)*time.Minute
	return p, err
}

// SLAPolicies returns every policy: the global one first, then by name.
func (bk *Book) SLAPolicies(ctx context.Context) ([]SLAPolicy, error) {
	rows, _ := bk.pool.Query(ctx, `SELECT `+policyColumns+` FROM sla_policies
		ORDER BY (team_id IS NOT NULL OR channel_id IS NOT NULL), name, id`)
	var out []SLAPolicy
	defer rows.Close()
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, fmt.Errorf("schedule: SLA policies: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schedule: SLA policies: %w", err)
	}
	return out, nil
}

// SLAPolicyByID returns one policy.
func (bk *Book) SLAPolicyByID(ctx context.Context, id int64) (SLAPolicy, error) {
	p, err := scanPolicy(bk.pool.QueryRow(ctx, `SELECT `+policyColumns+` FROM sla_policies WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("schedule: SLA policy %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("schedule: SLA policy %d: %w", id, err)
	}
	return p, nil
}

// Check returns every fault of p as a field error (channels.Invalid);
// SaveSLAPolicy refuses a policy with any.
func (p SLAPolicy) Check() error {
	var errs []error
	if p.FirstResponse < time.Minute {
		errs = append(errs, channels.Invalid("first_response_minutes", "sla.error.minutes",
			"the first response target must be at least a minute"))
	}
	if p.NextResponse < 0 || p.NextResponse > 0 && p.NextResponse < time.Minute {
		errs = append(errs, channels.Invalid("next_response_minutes", "sla.error.minutes",
			"the next response target must be at least a minute, or 0 for none"))
	}
	if p.TeamID != nil && p.ChannelID != nil {
		errs = append(errs, channels.Invalid("scope", "sla.error.scope", "a policy is for a team or a channel, not both"))
	}
	if p.BusinessHours || len(p.Calendar.Week) > 0 {
		errs = append(errs, p.Calendar.check()) // a calendar kept for later must be valid too
	}
	return errors.Join(errs...)
}

// SaveSLAPolicy creates p (ID 0) or changes policy p.ID, for actor (0:
// the system), and returns its id. Every fault is a field error and
// changes nothing. A policy is changed in place, never replaced: the
// breaches already handled stay recorded against it.
func (bk *Book) SaveSLAPolicy(ctx context.Context, actor int64, p SLAPolicy) (int64, error) {
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" {
		p.Name = "SLA"
	}
	if err := p.Check(); err != nil {
		return 0, fmt.Errorf("schedule: SLA policy: %w", err)
	}
	cal, _ := json.Marshal(p.Calendar)
	var next *int
	if p.NextResponse > 0 {
		n := int(p.NextResponse / time.Minute)
		next = &n
	}
	args := []any{p.Name, p.TeamID, p.ChannelID, int(p.FirstResponse / time.Minute), next, p.BusinessHours, cal,
		p.PauseOnHold, p.Notify, p.Reassign}
	id, action := p.ID, "sla.update"
	err := crm.Retry(ctx, bk.pool, func(tx pgx.Tx) error {
		var err error
		if p.ID == 0 {
			action = "sla.create"
			err = tx.QueryRow(ctx, `INSERT INTO sla_policies (name, team_id, channel_id, first_response_minutes,
					next_response_minutes, business_hours, calendar, pause_on_hold, notify, reassign)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, args...).Scan(&id)
		} else {
			err = tx.QueryRow(ctx, `UPDATE sla_policies SET name = $1, team_id = $2, channel_id = $3,
					first_response_minutes = $4, next_response_minutes = $5, business_hours = $6, calendar = $7,
					pause_on_hold = $8, notify = $9, reassign = $10
				WHERE id = $11 RETURNING id`, append(args, p.ID)...).Scan(&id)
		}
		if err != nil {
			return err
		}
		p.ID = id
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: action, SubjectType: audit.SubjectSLA,
			SubjectID: id, Data: p})
	})
	return id, policyError(err, p)
}

// policyError turns the database's refusals into field errors.
func policyError(err error, p SLAPolicy) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("schedule: SLA policy %d: %w", p.ID, ErrNotFound)
	case errors.As(err, &pgErr) && pgErr.Code == "23503" && strings.Contains(pgErr.ConstraintName, "channel"):
		return channels.Invalid("channel_id", "sla.error.channel", fmt.Sprintf("no channel %v", deref(p.ChannelID)))
	case errors.As(err, &pgErr) && pgErr.Code == "23503":
		return channels.Invalid("team_id", "sla.error.team", fmt.Sprintf("no team %v", deref(p.TeamID)))
	case errors.As(err, &pgErr) && pgErr.Code == "23505":
		return channels.Invalid("scope", "sla.error.taken", "that team, channel or the global scope has a policy already")
	}
	return fmt.Errorf("schedule: SLA policy: %w", err)
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// DeleteSLAPolicy removes a policy (and the record of its breaches).
func (bk *Book) DeleteSLAPolicy(ctx context.Context, actor, id int64) error {
	err := pgx.BeginFunc(ctx, bk.pool, func(tx pgx.Tx) error {
		var name string
		if err := tx.QueryRow(ctx, `DELETE FROM sla_policies WHERE id = $1 RETURNING name`, id).Scan(&name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "sla.delete", SubjectType: audit.SubjectSLA,
			SubjectID: id, Data: map[string]any{"name": name}})
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("schedule: SLA policy %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("schedule: delete SLA policy %d: %w", id, err)
	}
	return nil
}

// SetSLAPolicy saves p as the policy of its scope (p.ChannelID, else
// p.TeamID, else the global one), replacing that scope's policy in place,
// with the default handling of a breach (pause on hold, notify,
// reassign); it is the programmatic shortcut the demo and tests use.
func (bk *Book) SetSLAPolicy(ctx context.Context, p SLAPolicy) (int64, error) {
	err := bk.pool.QueryRow(ctx, `SELECT id FROM sla_policies
		WHERE team_id IS NOT DISTINCT FROM $1 AND channel_id IS NOT DISTINCT FROM $2`, p.TeamID, p.ChannelID).Scan(&p.ID)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("schedule: SLA policy: %w", err)
	}
	if p.Name == "" {
		p.Name = "First response"
	}
	p.PauseOnHold, p.Notify, p.Reassign = true, true, true
	return bk.SaveSLAPolicy(ctx, 0, p)
}
