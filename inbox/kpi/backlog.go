package kpi

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// backlog counts the unresolved conversations now, by status, and at the
// end of each day of the period. The history replays each conversation:
// it joins the backlog when it starts, leaves it at each resolve and
// rejoins at each reopening; a resolve no audit event recorded (follow-ups
// that ran out, auto-replies) counts at resolved_at.
func backlog(ctx context.Context, tx pgx.Tx, q Query, cal *calendar, r *Report) error {
	b := &r.Backlog
	err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'open'),
			count(*) FILTER (WHERE status = 'open' AND waiting_since IS NOT NULL),
			count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'snoozed')
		FROM conversations c
		WHERE c.status <> 'resolved' AND c.created_at <= @now AND `+convFilter+`
			AND (@agent::bigint = 0 OR c.assignee_id = @agent)`, q.args()).Scan(&b.Open, &b.Waiting, &b.Pending, &b.Snoozed)
	if err != nil {
		return err
	}
	// Each status change in kpi_statuses (migration 00012) knows the one
	// before and after it: a change moves the backlog when it goes in or
	// out of resolved, and a conversation resolved now whose last change
	// before @to was not a resolve left at resolved_at.
	rows, _ := tx.Query(ctx, `WITH conv AS (
			SELECT c.id, c.created_at, c.status, c.resolved_at FROM conversations c
			WHERE c.created_at < @to AND `+convFilter+` AND (@agent::bigint = 0 OR c.assignee_id = @agent)),
		deltas AS (
			SELECT created_at AS at, 1 AS d FROM conv
			UNION ALL
			SELECT s.at, CASE WHEN s.status = 'resolved' THEN -1 ELSE 1 END
			FROM kpi_statuses s JOIN conv ON conv.id = s.conversation_id
			WHERE s.at < @to
				AND (s.status = 'resolved') <> CASE WHEN s.has_prev THEN s.prev_status = 'resolved' ELSE false END
			UNION ALL
			SELECT c.resolved_at, -1 FROM conv c
			WHERE c.status = 'resolved' AND c.resolved_at < @to AND NOT EXISTS (SELECT FROM kpi_statuses s
				WHERE s.conversation_id = c.id AND s.at < @to AND (s.next_at IS NULL OR s.next_at >= @to)
					AND s.status = 'resolved'))
		SELECT CASE WHEN at >= @from THEN (at AT TIME ZONE @zone)::date END, sum(d)::int FROM deltas GROUP BY 1`,
		q.args())
	before := 0
	perDay := make(map[time.Time]int)
	var day *time.Time
	var n int
	_, err = pgx.ForEachRow(rows, []any{&day, &n}, func() error {
		if day == nil {
			before = n
		} else {
			perDay[*day] = n
		}
		return nil
	})
	if err != nil {
		return err
	}
	level := before
	for _, d := range cal.days() {
		level += perDay[d]
		b.Daily = append(b.Daily, Bucket{Key: cal.dayKey(d), Label: cal.dayLabel(d), Start: cal.start(d), Count: level})
	}
	return nil
}
