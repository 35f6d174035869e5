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
	// One pass over the calls (kpi_calls, migration 00012) of the period
	// and the call-back hours after it; those of the period that pass the
	// filters are counted, any outgoing one may be a call back.
	return tx.QueryRow(ctx, `WITH x AS MATERIALIZED (
			SELECT m.sent_at, m.direction, m.answered, c.contact_id,
				m.sent_at < @to AND `+convFilter+` AND (@agent::bigint = 0 OR c.assignee_id = @agent) AS counted
			FROM kpi_calls m JOIN conversations c ON c.id = m.conversation_id
			WHERE m.sent_at >= @from AND m.sent_at <= @to + make_interval(hours => @callback::int))
		SELECT count(*) FILTER (WHERE direction = 'in'), count(*) FILTER (WHERE direction = 'in' AND answered),
			count(*) FILTER (WHERE direction = 'in' AND NOT answered), count(*) FILTER (WHERE direction = 'out'),
			(SELECT count(*) FROM x m WHERE m.counted AND m.direction = 'in' AND NOT m.answered
				AND m.sent_at + make_interval(hours => @callback::int) <= @now
				AND NOT EXISTS (SELECT FROM x b WHERE b.direction = 'out' AND b.sent_at > @from
					AND b.contact_id = m.contact_id AND b.sent_at > m.sent_at
					AND b.sent_at <= m.sent_at + make_interval(hours => @callback::int)))
		FROM x WHERE counted`, q.args()).Scan(&r.Calls.Received, &r.Calls.Answered, &r.Calls.Missed, &r.Calls.Outgoing,
		&r.Calls.NotCalledBack)
}
