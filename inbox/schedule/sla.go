package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/crm"
)

// SLAPolicy asks for a first response within FirstResponse, for one team
// or (TeamID nil) for every conversation without a team policy.
type SLAPolicy struct {
	ID            int64         `json:"id"`
	Name          string        `json:"name"`
	TeamID        *int64        `json:"team_id"`
	FirstResponse time.Duration `json:"first_response"`
	// BusinessHours counts only the Calendar's open time.
	BusinessHours bool     `json:"business_hours"`
	Calendar      Calendar `json:"calendar"`
}

// SetSLAPolicy creates or changes the policy of p.TeamID (nil: the
// global one) and returns its id.
func (bk *Book) SetSLAPolicy(ctx context.Context, p SLAPolicy) (int64, error) {
	if p.FirstResponse < time.Minute {
		return 0, fmt.Errorf("schedule: SLA first response must be at least a minute: %w", ErrInvalid)
	}
	if p.BusinessHours {
		if _, err := p.Calendar.compile(); err != nil {
			return 0, fmt.Errorf("schedule: SLA %w", err)
		}
	}
	if p.Name == "" {
		p.Name = "First response"
	}
	cal, _ := json.Marshal(p.Calendar)
	// Changed in place, never replaced: the breaches already handled stay
	// recorded against the policy and are not handled again.
	var id int64
	err := crm.Retry(ctx, bk.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE sla_policies SET name = $1, first_response_minutes = $3,
				business_hours = $4, calendar = $5
			WHERE team_id IS NOT DISTINCT FROM $2 RETURNING id`, p.Name, p.TeamID, int(p.FirstResponse/time.Minute),
			p.BusinessHours, cal).Scan(&id)
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO sla_policies (name, team_id, first_response_minutes, business_hours, calendar)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, p.Name, p.TeamID, int(p.FirstResponse/time.Minute),
			p.BusinessHours, cal).Scan(&id)
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return 0, fmt.Errorf("schedule: SLA policy: team %v: %w", p.TeamID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("schedule: SLA policy: %w", err)
	}
	return id, nil
}

// breachCandidate is an unanswered open conversation past its policy's
// wall-clock deadline (the business-hours deadline is checked in Go).
type breachCandidate struct {
	conv, policy  int64
	waitingSince  time.Time
	minutes       int
	businessHours bool
	calendar      Calendar
}

// CheckSLA finds conversations whose first response is overdue under
// their policy and handles each breach once: it is recorded, the assignee
// and the new agent are notified, the breach is put on the timeline, and
// the conversation moves to the next available agent of the team
// (round-robin among active, available agents) so it does not stay with
// an absent one. It returns the number of breaches handled.
func (bk *Book) CheckSLA(ctx context.Context, now time.Time) (int, error) {
	rows, _ := bk.pool.Query(ctx, `SELECT c.id, p.id, c.waiting_since, p.first_response_minutes, p.business_hours, p.calendar
		FROM conversations c
		JOIN sla_policies p ON p.team_id = c.team_id
			OR (p.team_id IS NULL AND NOT EXISTS (SELECT FROM sla_policies t WHERE t.team_id = c.team_id))
		WHERE c.status = 'open' AND c.first_response_at IS NULL AND c.waiting_since IS NOT NULL
			AND c.waiting_since < $1::timestamptz - make_interval(mins => p.first_response_minutes)
			AND NOT EXISTS (SELECT FROM sla_breaches b WHERE b.conversation_id = c.id AND b.waiting_since = c.waiting_since)
		ORDER BY c.waiting_since LIMIT 1000`, now)
	var cands []breachCandidate
	var c breachCandidate
	_, err := pgx.ForEachRow(rows, []any{&c.conv, &c.policy, &c.waitingSince, &c.minutes, &c.businessHours, &c.calendar}, func() error {
		cands = append(cands, c)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("schedule: SLA check: %w", err)
	}
	n := 0
	for _, c := range cands {
		due := c.waitingSince.Add(time.Duration(c.minutes) * time.Minute)
		if c.businessHours {
			if due, err = c.calendar.Deadline(c.waitingSince, time.Duration(c.minutes)*time.Minute); err != nil {
				continue // a policy saved with a valid calendar cannot get here
			}
		}
		if due.After(now) {
			continue
		}
		done, err := bk.breach(ctx, c, due)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

// breach handles one breach in a transaction; it reports false when the
// conversation changed meanwhile or another worker handled it.
func (bk *Book) breach(ctx context.Context, c breachCandidate, due time.Time) (bool, error) {
	done := false
	err := pgx.BeginFunc(ctx, bk.pool, func(tx pgx.Tx) error {
		var ref int64
		var assignee, team *int64
		err := tx.QueryRow(ctx, `SELECT ref, assignee_id, team_id FROM conversations
			WHERE id = $1 AND status = 'open' AND first_response_at IS NULL AND waiting_since = $2 FOR UPDATE`,
			c.conv, c.waitingSince).Scan(&ref, &assignee, &team)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ct, err := tx.Exec(ctx, `INSERT INTO sla_breaches (conversation_id, policy_id, waiting_since, due_at, from_user_id)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (conversation_id, waiting_since) DO NOTHING`,
			c.conv, c.policy, c.waitingSince, due, assignee)
		if err != nil || ct.RowsAffected() == 0 {
			return err
		}
		done = true
		var next *int64
		var nextName string
		err = tx.QueryRow(ctx, `WITH cand AS (
				SELECT u.id, u.name FROM users u
				WHERE u.active AND u.available AND u.id IS DISTINCT FROM $2
					AND CASE WHEN $1::bigint IS NULL THEN u.role = 'agent'
						ELSE EXISTS (SELECT FROM team_members m WHERE m.team_id = $1 AND m.user_id = u.id) END)
			SELECT id, name FROM cand
			ORDER BY (id <= COALESCE((SELECT last_assigned_user_id FROM sla_policies WHERE id = $3), 0)), id LIMIT 1`,
			team, assignee, c.policy).Scan(&next, &nextName)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		text := fmt.Sprintf("SLA breached: no first response by %s", due.UTC().Format(time.RFC3339))
		say := &Text{Key: TextSLABreach, Args: map[string]string{"due_at": due.UTC().Format(time.RFC3339)}}
		b := &pgx.Batch{}
		if next != nil {
			text += "; reassigned to " + nextName
			say.Key, say.Args["name"] = TextSLAReassigned, nextName
			b.Queue(`UPDATE conversations SET assignee_id = $2, updated_at = now() WHERE id = $1`, c.conv, *next)
			b.Queue(`UPDATE sla_policies SET last_assigned_user_id = $2 WHERE id = $1`, c.policy, *next)
			b.Queue(`UPDATE sla_breaches SET to_user_id = $3 WHERE conversation_id = $1 AND waiting_since = $2`,
				c.conv, c.waitingSince, *next)
			b.Queue(`INSERT INTO notifications (user_id, conversation_id, kind, body) VALUES ($1, $2, 'sla', $3)`,
				*next, c.conv, fmt.Sprintf("Conversation #%d was reassigned to you: its first response is overdue", ref))
		}
		if assignee != nil {
			b.Queue(`INSERT INTO notifications (user_id, conversation_id, kind, body) VALUES ($1, $2, 'sla', $3)`,
				*assignee, c.conv, fmt.Sprintf("Conversation #%d breached its SLA: %s", ref, text))
		}
		b.Queue(`INSERT INTO audit_events (action, subject_type, subject_id, data)
			VALUES ('conversation.sla_breach', 'conversation', $1, $2)`, c.conv,
			map[string]any{"policy_id": c.policy, "due_at": due, "from_user_id": assignee, "to_user_id": next})
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		if err := bk.convs.Changed(ctx, tx, c.conv); err != nil {
			return err
		}
		return bk.convs.Note(ctx, tx, c.conv, text, say)
	})
	if err != nil {
		return false, fmt.Errorf("schedule: SLA breach of %d: %w", c.conv, err)
	}
	return done, nil
}
