package kpi

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// statusHistory is every status change of conversations since @from, from
// kpi_statuses (migration 00012): agents' status changes (ord 0) and
// reopenings by customer messages (ord 1, status "reopened"), with the
// status that followed each.
const statusHistory = `seq AS (
		SELECT s.conversation_id AS conv, s.at, s.actor_id, s.status,
			lead(s.status) OVER (PARTITION BY s.conversation_id ORDER BY s.at, s.ord, s.id) AS next
		FROM kpi_statuses s WHERE s.at >= @from)`

// closes credits each resolve of the period to the agent who made it (per
// the audit events, whoever is assigned now) and counts it reopened when
// the conversation left resolved afterwards: by an agent, or by a customer
// message. A resolve not reopened is final; the handling time runs from
// the conversation's start to its final resolve.
func closes(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	const res = `WITH ` + statusHistory + `,
		res AS (
			SELECT s.actor_id, COALESCE(u.name, '') AS name, c.created_at AS started, s.at AS resolved,
				(s.next IS NOT NULL AND s.next <> 'resolved') OR (s.next IS NULL AND c.status <> 'resolved') AS reopened
			FROM seq s JOIN conversations c ON c.id = s.conv LEFT JOIN users u ON u.id = s.actor_id
			WHERE s.status = 'resolved' AND s.at < @to AND ` + convFilter + `
				AND (@agent::bigint = 0 OR s.actor_id = @agent))`
	// In business hours the resolution is measured in Go, from the start
	// and end of each final resolve, collected in the total's row.
	times := `COALESCE(avg(extract(epoch FROM resolved - started)) FILTER (WHERE NOT reopened), 0),
			COALESCE(percentile_disc(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved - started))
				FILTER (WHERE NOT reopened), 0), NULL::timestamptz[], NULL::timestamptz[]`
	if q.BusinessHours {
		times = `0::float8, 0::float8, array_agg(started) FILTER (WHERE NOT reopened),
			array_agg(resolved) FILTER (WHERE NOT reopened)`
	}
	rows, _ := tx.Query(ctx, res+`
		SELECT GROUPING(actor_id, name) = 0, COALESCE(actor_id, 0), COALESCE(name, ''), count(*),
			count(*) FILTER (WHERE reopened), count(*) FILTER (WHERE NOT reopened), `+times+`
		FROM res GROUP BY GROUPING SETS ((actor_id, name), ())
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
