package kpi

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// sla counts the first-response breaches of the period (sla_breaches of
// kind first; the next-response breaches of migration 00023 are not
// counted: the KPI is the first response's) (the agent filter
// keeps the breaches of the agent who held the conversation) and the
// reassignments: a conversation's agent changing from one agent to
// another, by an agent's assign or by the SLA check (the agent filter
// keeps those from or to the agent).
func sla(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	join := func(t string) string {
		if !q.byConversation() {
			return ""
		}
		return ` JOIN conversations c ON c.id = ` + t + `.conversation_id AND ` + convFilter
	}
	err := tx.QueryRow(ctx, `SELECT count(*) FROM sla_breaches b`+join("b")+`
		WHERE b.kind = 'first' AND b.breached_at >= @from AND b.breached_at < @to
			AND (@agent::bigint = 0 OR b.from_user_id = @agent)`, q.args()).Scan(&r.SLA.Breaches)
	if err != nil {
		return err
	}
	// kpi_assignments (migration 00012) holds each change's agent before.
	return tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE x.by_sla)
		FROM kpi_assignments x`+join("x")+`
		WHERE x.at >= @from AND x.at < @to AND x.owner IS NOT NULL AND x.before IS NOT NULL AND x.owner <> x.before
			AND (@agent::bigint = 0 OR x.owner = @agent OR x.before = @agent)`,
		q.args()).Scan(&r.SLA.Reassignments, &r.SLA.BySLA)
}
