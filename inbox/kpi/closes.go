package kpi

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// closes credits each resolve of the period to the agent who made it (per
// the audit events, whoever is assigned now) and counts it reopened when
// the conversation left resolved afterwards: by an agent, or by a customer
// message. A resolve not reopened is final; the handling time runs from
// the conversation's start to its final resolve. The status changes come
// from kpi_statuses (migration 00012), each with the status that followed.
func closes(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	// In business hours the resolution is measured in Go, from the start
	// and end of each final resolve, collected in the total's row.
	times := `COALESCE(avg(extract(epoch FROM resolved - started)) FILTER (WHERE NOT reopened), 0),
			COALESCE(percentile_disc(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved - started))
				FILTER (WHERE NOT reopened), 0), NULL::timestamptz[], NULL::timestamptz[]`
	if q.BusinessHours {
		times = `0::numeric, 0::numeric, array_agg(started) FILTER (WHERE NOT reopened),
			array_agg(resolved) FILTER (WHERE NOT reopened)`
	}
	// The agents' rows first, most closes first; then the total.
	rows, _ := tx.Query(ctx, `WITH res AS MATERIALIZED (
			SELECT s.actor_id, c.created_at AS started, s.at AS resolved,
				(s.next_status IS NOT NULL AND s.next_status <> 'resolved')
					OR (s.next_status IS NULL AND c.status <> 'resolved') AS reopened
			FROM kpi_statuses s JOIN conversations c ON c.id = s.conversation_id
			WHERE s.status = 'resolved' AND s.at >= @from AND s.at < @to AND `+convFilter+`
				AND (@agent::bigint = 0 OR s.actor_id = @agent)),
		agents AS (
			SELECT actor_id, count(*) AS closed, count(*) FILTER (WHERE reopened) AS reopened
			FROM res GROUP BY actor_id)
		SELECT true, COALESCE(a.actor_id, 0), COALESCE(u.name, ''), a.closed, a.reopened, 0::bigint,
			0::numeric, 0::numeric, NULL::timestamptz[], NULL::timestamptz[]
		FROM agents a LEFT JOIN users u ON u.id = a.actor_id
		UNION ALL
		SELECT false, 0, '', count(*), count(*) FILTER (WHERE reopened), count(*) FILTER (WHERE NOT reopened),
			`+times+`
		FROM res
		ORDER BY 1 DESC, 4 DESC, 3, 2`, q.args())
	var perAgent bool
	var a AgentStats
	var final stats
	var started, resolved []time.Time
	r.Agents = []AgentStats{}
	_, err := pgx.ForEachRow(rows, []any{&perAgent, &a.AgentID, &a.Name, &a.Closed, &a.Reopened, &final.n,
		&final.avg, &final.p90, &started, &resolved}, func() error {
		if perAgent {
			a.ReopenRate = float64(a.Reopened) / float64(a.Closed)
			r.Agents = append(r.Agents, a)
		} else {
			r.Resolution = final.durations(false, 0)
		}
		return nil
	})
	if err != nil || !q.BusinessHours {
		return err
	}
	if final, err = businessStats(started, resolved, *q.Hours); err != nil {
		return err
	}
	r.Resolution = final.durations(true, 0)
	return nil
}
