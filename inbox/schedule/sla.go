package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// breachCandidate is a waiting conversation past its policy's wall-clock
// deadline (business hours and pauses are counted in Go).
type breachCandidate struct {
	conv         int64
	waitingSince time.Time
	again        bool // answered before: the next-response target
	policy       SLAPolicy
}

// candidatesSQL selects the conversations whose customer has waited
// longer than their policy's target by the clock: each conversation's
// policy is its channel's, else its team's, else the global one. A
// policy that pauses on hold looks at open conversations only; one that
// does not, at pending and snoozed ones too.
const candidatesSQL = `SELECT c.id, c.waiting_since, c.first_response_at IS NOT NULL, p.id, p.name, p.team_id,
		p.channel_id, p.first_response_minutes, COALESCE(p.next_response_minutes, 0), p.business_hours, p.calendar,
		p.pause_on_hold, p.notify, p.reassign
	FROM conversations c
	JOIN LATERAL (SELECT * FROM sla_policies p
		WHERE p.channel_id = c.channel_id OR p.team_id = c.team_id OR (p.team_id IS NULL AND p.channel_id IS NULL)
		ORDER BY p.channel_id IS NULL, p.team_id IS NULL LIMIT 1) p ON true
	WHERE c.waiting_since IS NOT NULL AND c.status <> 'resolved'
		AND c.waiting_since < $1::timestamptz - (SELECT make_interval(mins =>
			min(LEAST(first_response_minutes, COALESCE(next_response_minutes, first_response_minutes)))) FROM sla_policies)
		AND (c.status = 'open' OR NOT p.pause_on_hold)
		AND (c.first_response_at IS NULL OR p.next_response_minutes IS NOT NULL)
		AND c.waiting_since < $1::timestamptz - make_interval(mins =>
			CASE WHEN c.first_response_at IS NULL THEN p.first_response_minutes ELSE p.next_response_minutes END)
		AND NOT EXISTS (SELECT FROM sla_breaches b WHERE b.conversation_id = c.id AND b.waiting_since = c.waiting_since)
		AND (c.waiting_since, c.id) > ($2::timestamptz, $3::bigint)
	ORDER BY c.waiting_since, c.id LIMIT ` + candidatesPage

// candidatesPage is how many candidates CheckSLA reads at a time; it
// pages through all of them, so candidates not due yet in business hours
// (a weekend's, Nowruz's) never hide later ones.
const candidatesPage = "1000"

// CheckSLA finds conversations whose first or next response is overdue
// under their policy at now and handles each breach once: it is recorded,
// put on the timeline and audited; by the policy, the assignee (else the
// team, else the admins) is notified and the conversation moves to the
// next available, active agent of its team (round-robin) so it does not
// stay with an absent one. It returns the number of breaches handled.
func (bk *Book) CheckSLA(ctx context.Context, now time.Time) (int, error) {
	n := 0
	afterAt, afterID := time.Time{}, int64(0)
	for {
		cands, err := bk.candidates(ctx, now, afterAt, afterID)
		if err != nil {
			return n, err
		}
		if len(cands) == 0 {
			return n, nil
		}
		paused, err := bk.pauses(ctx, cands)
		if err != nil {
			return n, err
		}
		for _, c := range cands {
			due := c.due(paused[c.conv])
			if due.IsZero() || due.After(now) {
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
		last := cands[len(cands)-1]
		afterAt, afterID = last.waitingSince, last.conv
	}
}

// candidates returns the next page of candidates after (afterAt,
// afterID) in waiting order.
func (bk *Book) candidates(ctx context.Context, now, afterAt time.Time, afterID int64) ([]breachCandidate, error) {
	if afterAt.IsZero() {
		afterAt = time.Unix(0, 0)
	}
	rows, err := bk.pool.Query(ctx, candidatesSQL, now, afterAt, afterID)
	if err != nil {
		return nil, fmt.Errorf("schedule: SLA check: %w", err)
	}
	defer rows.Close()
	var cands []breachCandidate
	for rows.Next() {
		var c breachCandidate
		var first, next int
		p := &c.policy
		if err := rows.Scan(&c.conv, &c.waitingSince, &c.again, &p.ID, &p.Name, &p.TeamID, &p.ChannelID, &first, &next,
			&p.BusinessHours, &p.Calendar, &p.PauseOnHold, &p.Notify, &p.Reassign); err != nil {
			return nil, fmt.Errorf("schedule: SLA check: %w", err)
		}
		p.FirstResponse, p.NextResponse = time.Duration(first)*time.Minute, time.Duration(next)*time.Minute
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schedule: SLA check: %w", err)
	}
	return cands, nil
}

// pauses loads the spans on hold of the candidates whose policy pauses,
// in one query, by conversation.
func (bk *Book) pauses(ctx context.Context, cands []breachCandidate) (map[int64][]Pause, error) {
	var ids []int64
	var since []time.Time
	for _, c := range cands {
		if c.policy.PauseOnHold {
			ids, since = append(ids, c.conv), append(since, c.waitingSince)
		}
	}
	out := map[int64][]Pause{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, _ := bk.pool.Query(ctx, `SELECT p.conversation_id, p.started_at, COALESCE(p.ended_at, '-infinity')
		FROM unnest($1::bigint[], $2::timestamptz[]) AS w(id, since)
		JOIN sla_pauses p ON p.conversation_id = w.id AND (p.ended_at IS NULL OR p.ended_at > w.since)
		ORDER BY p.conversation_id, p.started_at`, ids, since)
	var conv int64
	var p Pause
	_, err := pgx.ForEachRow(rows, []any{&conv, &p.From, &p.To}, func() error {
		if p.To.Year() < 1 {
			p.To = time.Time{}
		}
		out[conv] = append(out[conv], p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("schedule: SLA pauses: %w", err)
	}
	return out, nil
}

// due returns when c's wait breaches its policy: the target counted in
// the policy's calendar (every minute without business hours), less the
// time on hold (paused) when the policy pauses. Zero means never (a
// calendar that cannot be counted, which a saved policy cannot have).
func (c breachCandidate) due(paused []Pause) time.Time {
	target := c.policy.FirstResponse
	if c.again {
		target = c.policy.NextResponse
	}
	if !c.policy.PauseOnHold {
		paused = nil
	}
	cal := alwaysOpen
	if c.policy.BusinessHours {
		cal = c.policy.Calendar
	}
	due, err := cal.deadline(c.waitingSince, target, paused)
	if err != nil {
		return time.Time{}
	}
	return due
}

// breach handles one breach in a transaction; it reports false when the
// conversation changed meanwhile or another worker handled it.
func (bk *Book) breach(ctx context.Context, c breachCandidate, due time.Time) (bool, error) {
	done := false
	kind := "first"
	if c.again {
		kind = "next"
	}
	err := pgx.BeginFunc(ctx, bk.pool, func(tx pgx.Tx) error {
		var ref int64
		var assignee, team *int64
		err := tx.QueryRow(ctx, `SELECT ref, assignee_id, team_id FROM conversations
			WHERE id = $1 AND status <> 'resolved' AND (first_response_at IS NOT NULL) = $3 AND waiting_since = $2 FOR UPDATE`,
			c.conv, c.waitingSince, c.again).Scan(&ref, &assignee, &team)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ct, err := tx.Exec(ctx, `INSERT INTO sla_breaches (conversation_id, policy_id, waiting_since, due_at, from_user_id, kind)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (conversation_id, waiting_since) DO NOTHING`,
			c.conv, c.policy.ID, c.waitingSince, due, assignee, kind)
		if err != nil || ct.RowsAffected() == 0 {
			return err
		}
		done = true
		var next *int64
		var nextName string
		if c.policy.Reassign {
			if next, nextName, err = nextAgent(ctx, tx, team, assignee, c.policy.ID); err != nil {
				return err
			}
		}
		return bk.handle(ctx, tx, c, kind, ref, assignee, team, next, nextName, due)
	})
	if err != nil {
		return false, fmt.Errorf("schedule: SLA breach of %d: %w", c.conv, err)
	}
	return done, nil
}

// nextAgent picks the next active, available agent after the policy's
// last pick: a member of team, or any agent when team is nil; never the
// current assignee.
func nextAgent(ctx context.Context, tx pgx.Tx, team, assignee *int64, policy int64) (*int64, string, error) {
	var next *int64
	var name string
	err := tx.QueryRow(ctx, `WITH cand AS (
			SELECT u.id, u.name FROM users u
			WHERE u.active AND u.available AND u.id IS DISTINCT FROM $2
				AND CASE WHEN $1::bigint IS NULL THEN u.role = 'agent'
					ELSE EXISTS (SELECT FROM team_members m WHERE m.team_id = $1 AND m.user_id = u.id) END)
		SELECT id, name FROM cand
		ORDER BY (id <= COALESCE((SELECT last_assigned_user_id FROM sla_policies WHERE id = $3), 0)), id LIMIT 1`,
		team, assignee, policy).Scan(&next, &name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", nil
	}
	return next, name, err
}
