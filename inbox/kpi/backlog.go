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
	// before and after it, so one pass over the conversations and their
	// changes before @to finds every move of the backlog: the start (with
	// the first change, or alone), each change in or out of resolved, and
	// at resolved_at a resolve no change recorded (the conversation is
	// resolved now, its last change before @to was not a resolve).
	rows, _ := tx.Query(ctx, `SELECT CASE WHEN v.at >= @from THEN (v.at AT TIME ZONE @zone)::date END, sum(v.d)::int
		FROM conversations c LEFT JOIN kpi_statuses s ON s.conversation_id = c.id AND s.at < @to
		CROSS JOIN LATERAL (VALUES
			(c.created_at, CASE WHEN s.id IS NULL OR NOT s.has_prev THEN 1 END),
			(s.at, CASE WHEN (s.status = 'resolved') <> CASE WHEN s.has_prev THEN s.prev_status = 'resolved' ELSE false END
				THEN CASE WHEN s.status = 'resolved' THEN -1 ELSE 1 END END),
			(c.resolved_at, CASE WHEN (s.id IS NULL OR s.next_at IS NULL OR s.next_at >= @to) AND c.status = 'resolved'
				AND c.resolved_at < @to AND (s.status = 'resolved') IS NOT TRUE THEN -1 END)) v(at, d)
		WHERE c.created_at < @to AND `+convFilter+` AND (@agent::bigint = 0 OR c.assignee_id = @agent)
			AND v.d IS NOT NULL
		GROUP BY 1`, q.args())
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
