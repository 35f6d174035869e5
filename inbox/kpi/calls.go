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
	// and the call-back hours after it: those of the period that pass the
	// filters are counted, and each call learns the customer's next
	// outgoing call (of any line) from a running minimum over the later
	// calls — no join of calls with calls, whatever the planner's estimates.
	return tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE counted AND direction = 'in'),
			count(*) FILTER (WHERE counted AND direction = 'in' AND answered),
			count(*) FILTER (WHERE counted AND direction = 'in' AND NOT answered),
			count(*) FILTER (WHERE counted AND direction = 'out'),
			count(*) FILTER (WHERE counted AND direction = 'in' AND NOT answered
				AND sent_at + make_interval(hours => @callback::int) <= @now
				AND (back IS NULL OR back > sent_at + make_interval(hours => @callback::int)))
		FROM (SELECT m.sent_at, m.direction, m.answered,
				m.sent_at < @to AND `+convFilter+` AND (@agent::bigint = 0 OR c.assignee_id = @agent) AS counted,
				min(m.sent_at) FILTER (WHERE m.direction = 'out') OVER (PARTITION BY c.contact_id
					ORDER BY m.sent_at DESC RANGE BETWEEN UNBOUNDED PRECEDING AND '1 microsecond' PRECEDING) AS back
			FROM kpi_calls m JOIN conversations c ON c.id = m.conversation_id
			WHERE m.sent_at >= @from AND m.sent_at <= @to + make_interval(hours => @callback::int)) x`, q.args()).Scan(&r.Calls.Received, &r.Calls.Answered, &r.Calls.Missed, &r.Calls.Outgoing,
		&r.Calls.NotCalledBack)
}
