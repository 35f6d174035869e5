package kpi

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// calls counts the period's calls (kpi_calls, migration 00012) by
// direction and answer, and the missed ones whose customer got no
// outgoing call within CallbackHours (once the hours have passed). A call
// back counts from any line and agent, to any of the customer's
// conversations (a merged customer is one contact): each missed call
// knows the first outgoing call to its customer after it
// (kpi_calls.called_back_at, migration 00016).
func calls(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	r.Calls.CallbackHours = q.CallbackHours
	return tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE m.direction = 'in'),
			count(*) FILTER (WHERE m.direction = 'in' AND m.answered),
			count(*) FILTER (WHERE m.direction = 'in' AND NOT m.answered),
			count(*) FILTER (WHERE m.direction = 'out'),
			count(*) FILTER (WHERE m.direction = 'in' AND NOT m.answered AND m.sent_at + x.hours <= @now
				AND (m.called_back_at IS NULL OR m.called_back_at > m.sent_at + x.hours))
		FROM kpi_calls m`+callsJoin(q)+`
		CROSS JOIN (SELECT make_interval(hours => @callback::int) AS hours) x
		WHERE m.sent_at >= @from AND m.sent_at < @to`, q.args()).Scan(&r.Calls.Received, &r.Calls.Answered,
		&r.Calls.Missed, &r.Calls.Outgoing, &r.Calls.NotCalledBack)
}

// callsJoin is SQL joining the calls m to their conversations c when q
// filters by them, and nothing otherwise.
func callsJoin(q Query) string {
	if !q.filtered() {
		return ""
	}
	return ` JOIN conversations c ON c.id = m.conversation_id AND ` + ownedSQL
}
