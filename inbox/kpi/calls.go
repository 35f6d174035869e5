package kpi

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// calls counts the period's calls by direction and answer, and the missed
// calls whose customer got no outgoing call within CallbackHours. A call
// back counts from any line and agent, to any of the customer's
// conversations (a merged customer is one contact).
func calls(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	r.Calls.CallbackHours = q.CallbackHours
	return tx.QueryRow(ctx, `WITH calls AS (
			SELECT m.sent_at, m.direction, m.answered, c.contact_id
			FROM kpi_calls m JOIN conversations c ON c.id = m.conversation_id
			WHERE m.sent_at >= @from AND m.sent_at < @to AND `+convFilter+`
				AND (@agent::bigint = 0 OR c.assignee_id = @agent)),
		backs AS MATERIALIZED (
			SELECT m.sent_at, c.contact_id FROM kpi_calls m JOIN conversations c ON c.id = m.conversation_id
			WHERE m.direction = 'out' AND m.sent_at > @from
				AND m.sent_at <= @to + make_interval(hours => @callback::int)),
		missed AS (
			SELECT * FROM calls x WHERE x.direction = 'in' AND NOT x.answered
				AND x.sent_at + make_interval(hours => @callback::int) <= @now
				AND NOT EXISTS (SELECT FROM backs b WHERE b.contact_id = x.contact_id
					AND b.sent_at > x.sent_at AND b.sent_at <= x.sent_at + make_interval(hours => @callback::int)))
		SELECT count(*) FILTER (WHERE direction = 'in'), count(*) FILTER (WHERE direction = 'in' AND answered),
			count(*) FILTER (WHERE direction = 'in' AND NOT answered), count(*) FILTER (WHERE direction = 'out'),
			(SELECT count(*) FROM missed)
		FROM calls`, q.args()).Scan(&r.Calls.Received, &r.Calls.Answered, &r.Calls.Missed, &r.Calls.Outgoing,
		&r.Calls.NotCalledBack)
}
