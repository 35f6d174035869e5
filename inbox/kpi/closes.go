package kpi

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// resolvesSQL is SQL for the resolves of the period as rows (actor_id,
// started, resolved, reopened). A resolve is credited to the agent who
// made it (per the audit events, whoever is assigned now) and counts as
// reopened when the conversation left resolved afterwards: by an agent, or
// by a customer message. The status changes come from kpi_statuses
// (migration 00012), each with the status that followed and (00014) its
// conversation's start, so the conversations are joined only for a
// channel or team filter; otherwise a final resolve was reopened when its
// conversation is unresolved now (a short list, by index).
func resolvesSQL(q Query) string {
	if q.byConversation() {
		return `SELECT s.actor_id, c.created_at AS started, s.at AS resolved,
				(s.next_status IS NOT NULL AND s.next_status <> 'resolved')
					OR (s.next_status IS NULL AND c.status <> 'resolved') AS reopened
			FROM kpi_statuses s JOIN conversations c ON c.id = s.conversation_id
			WHERE s.status = 'resolved' AND s.at >= @from AND s.at < @to AND ` + convFilter + `
				AND (@agent::bigint = 0 OR s.actor_id = @agent)`
	}
	return `SELECT s.actor_id, s.started, s.at AS resolved,
			(s.next_status IS NOT NULL AND s.next_status <> 'resolved')
				OR (s.next_status IS NULL AND s.conversation_id IN (SELECT id FROM conversations
					WHERE status IN ('open', 'pending', 'snoozed'))) AS reopened
		FROM kpi_statuses s
		WHERE s.status = 'resolved' AND s.at >= @from AND s.at < @to AND s.started IS NOT NULL
			AND (@agent::bigint = 0 OR s.actor_id = @agent)`
}

// closes counts each agent's resolves of the period and how many of them
// were reopened, most closes first.
func closes(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	rows, _ := tx.Query(ctx, `SELECT COALESCE(a.actor_id, 0), COALESCE(u.name, ''), a.closed, a.reopened
		FROM (SELECT actor_id, count(*) AS closed, count(*) FILTER (WHERE reopened) AS reopened
			FROM (`+resolvesSQL(q)+`) x GROUP BY actor_id) a
		LEFT JOIN users u ON u.id = a.actor_id
		ORDER BY 3 DESC, 2, 1`, q.args())
	var a AgentStats
	r.Agents = []AgentStats{}
	_, err := pgx.ForEachRow(rows, []any{&a.AgentID, &a.Name, &a.Closed, &a.Reopened}, func() error {
		a.ReopenRate = float64(a.Reopened) / float64(a.Closed)
		r.Agents = append(r.Agents, a)
		return nil
	})
	return err
}

// resolution measures the handling time of the period's final resolves
// (those not reopened): from the conversation's start to the resolve,
// measured in Go from the ends of each (see intervalStats).
func resolution(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	started, resolved, err := queryIntervals(ctx, tx, `SELECT array_agg(started), array_agg(resolved)
		FROM (`+resolvesSQL(q)+`) x WHERE NOT reopened`, q.args())
	if err != nil {
		return err
	}
	final, err := intervalStats(started, resolved, q.calendar())
	r.Resolution = final.durations(q.BusinessHours, 0)
	return err
}
