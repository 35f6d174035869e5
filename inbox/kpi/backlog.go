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
	rows, _ := tx.Query(ctx, `WITH conv AS (
			SELECT c.id, c.created_at, c.status, c.resolved_at FROM conversations c
			WHERE c.created_at < @to AND `+convFilter+` AND (@agent::bigint = 0 OR c.assignee_id = @agent)),
		seq AS (
			SELECT s.conversation_id AS conv, s.at, s.status = 'resolved' AS resolved,
				lag(s.status = 'resolved', 1, false) OVER w AS was, lead(s.at) OVER w IS NULL AS last
			FROM kpi_statuses s JOIN conv ON conv.id = s.conversation_id
			WHERE s.at < @to
			WINDOW w AS (PARTITION BY s.conversation_id ORDER BY s.at, s.ord, s.id)),
		deltas AS (
			SELECT created_at AS at, 1 AS d FROM conv
			UNION ALL
			SELECT at, CASE WHEN resolved THEN -1 ELSE 1 END FROM seq WHERE resolved <> was
			UNION ALL
			SELECT c.resolved_at, -1 FROM conv c LEFT JOIN seq s ON s.conv = c.id AND s.last
			WHERE c.status = 'resolved' AND c.resolved_at < @to AND s.resolved IS NOT TRUE)
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
