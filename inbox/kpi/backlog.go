package kpi

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// backlog counts the unresolved conversations now, by status, and at the
// end of each day of the period. The history replays each conversation:
// it joins the backlog when it starts, leaves it at each resolve and
// rejoins at each reopening.
func backlog(ctx context.Context, tx pgx.Tx, q Query, cal *calendar, r *Report) error {
	b := &r.Backlog
	err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'open'),
			count(*) FILTER (WHERE status = 'open' AND waiting_since IS NOT NULL),
			count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'snoozed')
		FROM conversations c
		WHERE c.status IN ('open', 'pending', 'snoozed') AND c.created_at <= @now AND `+ownedSQL,
		q.args()).Scan(&b.Open, &b.Waiting, &b.Pending, &b.Snoozed)
	if err != nil {
		return err
	}
	before := 0
	perDay := make(map[time.Time]int)
	r.moves = perDay
	moves := backlogMoves(q, cal)
	batch := &pgx.Batch{}
	for _, sql := range moves {
		batch.Queue(sql, cal.args(q))
	}
	results := tx.SendBatch(ctx, batch)
	for range moves {
		rows, _ := results.Query()
		var day *time.Time
		var n int
		_, err = pgx.ForEachRow(rows, []any{&day, &n}, func() error {
			if day == nil {
				before += n
			} else {
				perDay[cal.dayOf(*day)] += n
			}
			return nil
		})
		if err != nil {
			results.Close()
			return err
		}
	}
	r.backlogBefore = before
	return results.Close()
}

// backlogDaily lays out the backlog at the end of each day once every
// part is done: from the level before the period, the backlog part's
// moves and the starts the requests part counted.
func backlogDaily(cal *calendar, r *Report) {
	level := r.backlogBefore
	for _, d := range cal.days() {
		level += r.moves[d] + r.starts[d]
		r.Backlog.Daily = append(r.Backlog.Daily, Bucket{Key: cal.dayKey(d), Label: cal.dayLabel(d), Start: cal.start(d), Count: level})
	}
}

// backlogMoves are the queries that sum each move of the backlog into its
// day, or into the level before the period (day NULL): +1 when a
// conversation starts (before the period; the requests part counts the
// starts of each day of it; imported history never starts: it is stored
// resolved without an audited resolve), and ±1 at each status change into or out of
// resolved (kpi_statuses, migration 00012, knows the status before each
// change; every resolve is audited since 00015, the system's too). Each
// is a scan and grouping of its own, joined to the conversations only
// for the filters; without them, a last one takes back the changes of
// conversations started at or after @to (a clock's skew), which the
// replay leaves out.
func backlogMoves(q Query, cal *calendar) []string {
	const change = `CASE WHEN s.status = 'resolved' THEN -1 ELSE 1 END`
	const crosses = `(s.status = 'resolved') <> CASE WHEN s.has_prev THEN s.prev_status = 'resolved' ELSE false END`
	day := `CASE WHEN s.at >= @from THEN ` + cal.daySQL("s.at") + ` END`
	starts := `SELECT NULL::timestamptz, count(*) FROM conversations c WHERE c.created_at < @from AND NOT c.history AND ` + ownedSQL
	if q.filtered() {
		return []string{starts,
			`SELECT ` + day + `, sum(` + change + `) FROM kpi_statuses s
				JOIN conversations c ON c.id = s.conversation_id
				WHERE s.at < @to AND ` + crosses + ` AND c.created_at < @to AND ` + ownedSQL + ` GROUP BY 1`}
	}
	return []string{starts,
		`SELECT ` + day + `, sum(` + change + `) FROM kpi_statuses s
			WHERE s.at < @to AND ` + crosses + ` GROUP BY 1`,
		`SELECT ` + day + `, -sum(` + change + `) FROM conversations c JOIN kpi_statuses s ON s.conversation_id = c.id
			WHERE c.created_at >= @to AND s.at < @to AND ` + crosses + ` GROUP BY 1`}
}
