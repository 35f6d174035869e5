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
// were reopened, most closes first. In business hours the report leaves
// this part out: resolution counts them in its own scan of the resolves.
func closes(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	_, _, err := agentCloses(ctx, tx, q, r, false)
	return err
}

// agentCloses fills r.Agents; with ends it also returns the starts and
// ends of the final resolves (those not reopened), in microseconds since
// 1970, packed by instantsSQL per agent.
func agentCloses(ctx context.Context, tx pgx.Tx, q Query, r *Report, ends bool) (starts, resolves []byte, err error) {
	packed := `NULL::bytea, NULL::bytea`
	if ends {
		packed = instantsSQL("started", "NOT reopened") + `, ` + instantsSQL("resolved", "NOT reopened")
	}
	rows, _ := tx.Query(ctx, `SELECT COALESCE(a.actor_id, 0), COALESCE(u.name, ''), a.closed, a.reopened, a.starts, a.ends
		FROM (SELECT actor_id, count(*) AS closed, count(*) FILTER (WHERE reopened) AS reopened, `+packed+`
			FROM (`+resolvesSQL(q)+`) x GROUP BY actor_id) a (actor_id, closed, reopened, starts, ends)
		LEFT JOIN users u ON u.id = a.actor_id
		ORDER BY 3 DESC, 2, 1`, q.args())
	var a AgentStats
	var from, to []byte
	r.Agents = []AgentStats{}
	_, err = pgx.ForEachRow(rows, []any{&a.AgentID, &a.Name, &a.Closed, &a.Reopened, &from, &to}, func() error {
		a.ReopenRate = float64(a.Reopened) / float64(a.Closed)
		r.Agents = append(r.Agents, a)
		starts, resolves = append(starts, from...), append(resolves, to...)
		return nil
	})
	return starts, resolves, err
}

// resolution measures the handling time of the period's final resolves
// (those not reopened): from the conversation's start to the resolve. In
// business hours the handling times are measured in Go, from the start
// and end of each, which one scan of the resolves returns with the closes
// per agent.
func resolution(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	if q.BusinessHours {
		a, b, err := agentCloses(ctx, tx, q, r, true)
		if err != nil {
			return err
		}
		started, resolved, err := intervals(a, b)
		if err != nil {
			return err
		}
		final, err := businessStats(started, resolved, *q.Hours)
		r.Resolution = final.durations(true, 0)
		return err
	}
	var final stats
	err := tx.QueryRow(ctx, `SELECT count(*), `+avgSQL("started", "resolved", "true")+`, `+p90SQL("started", "resolved", "true")+`
		FROM (`+resolvesSQL(q)+`) x WHERE NOT reopened`, q.args()).Scan(&final.n, &final.avg, &final.p90)
	r.Resolution = final.durations(false, 0)
	return err
}
