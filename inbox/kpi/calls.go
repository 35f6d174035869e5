package kpi

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// calls counts the period's calls (kpi_calls, migration 00012) by
// direction and answer.
func calls(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	r.Calls.CallbackHours = q.CallbackHours
	return tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE m.direction = 'in'),
			count(*) FILTER (WHERE m.direction = 'in' AND m.answered),
			count(*) FILTER (WHERE m.direction = 'in' AND NOT m.answered),
			count(*) FILTER (WHERE m.direction = 'out')
		FROM kpi_calls m`+callsJoin(q)+`
		WHERE m.sent_at >= @from AND m.sent_at < @to`, q.args()).Scan(&r.Calls.Received, &r.Calls.Answered,
		&r.Calls.Missed, &r.Calls.Outgoing)
}

// callbacks counts the missed calls of the period whose customer got no
// outgoing call within CallbackHours (once the hours have passed). A call
// back counts from any line and agent, to any of the customer's
// conversations (a merged customer is one contact): each call knows its
// conversation's contact (kpi_calls.contact_id, migration 00014).
func callbacks(ctx context.Context, tx pgx.Tx, q Query, _ *calendar, r *Report) error {
	return tx.QueryRow(ctx, `SELECT count(*) FROM kpi_calls m`+callsJoin(q)+`
		WHERE m.sent_at >= @from AND m.sent_at < @to AND m.direction = 'in' AND NOT m.answered
			AND m.sent_at + make_interval(hours => @callback::int) <= @now
			AND NOT EXISTS (SELECT FROM kpi_calls o
				WHERE o.direction = 'out' AND o.contact_id = m.contact_id
					AND o.sent_at > @from AND o.sent_at <= @to + make_interval(hours => @callback::int)
					AND o.sent_at > m.sent_at AND o.sent_at <= m.sent_at + make_interval(hours => @callback::int))`,
		q.args()).Scan(&r.Calls.NotCalledBack)
}

// callsJoin is SQL joining the calls m to their conversations c when q
// filters by them, and nothing otherwise.
func callsJoin(q Query) string {
	if !q.filtered() {
		return ""
	}
	return ` JOIN conversations c ON c.id = m.conversation_id AND ` + ownedSQL
}
