package kpi

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// writeHistory replaces the history rows of convs by sts and asg.
func writeHistory(ctx context.Context, tx pgx.Tx, convs []int64, sts []statusRow, asg []assignRow) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM kpi_statuses WHERE conversation_id = ANY($1)`, convs)
	b.Queue(`DELETE FROM kpi_reopens WHERE conversation_id = ANY($1)`, convs)
	b.Queue(`DELETE FROM kpi_assignments WHERE conversation_id = ANY($1)`, convs)
	if len(sts) > 0 {
		var s struct {
			conv, id           []int64
			at                 []time.Time
			ord                []int16
			actor              []*int64
			status, prev, next []*string
			started, nextAt    []*time.Time
			hasPrev            []bool
			rConv, rID         []int64
			rAt                []time.Time
		}
		for _, r := range sts {
			s.conv, s.id, s.at, s.ord = append(s.conv, r.conv), append(s.id, r.id), append(s.at, r.at), append(s.ord, r.ord)
			s.actor, s.status, s.prev, s.next = append(s.actor, r.actor), append(s.status, r.status), append(s.prev, r.prev), append(s.next, r.next)
			s.started, s.nextAt, s.hasPrev = append(s.started, r.started), append(s.nextAt, r.nextAt), append(s.hasPrev, r.hasPrev)
			if r.reopenedByID != 0 {
				s.rConv, s.rID, s.rAt = append(s.rConv, r.conv), append(s.rID, r.reopenedByID), append(s.rAt, r.at)
			}
		}
		b.Queue(`INSERT INTO kpi_statuses (conversation_id, at, ord, id, actor_id, status, started, has_prev,
				prev_status, next_status, next_at)
			SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::smallint[], $4::bigint[], $5::bigint[],
				$6::text[], $7::timestamptz[], $8::bool[], $9::text[], $10::text[], $11::timestamptz[])`,
			s.conv, s.at, s.ord, s.id, s.actor, s.status, s.started, s.hasPrev, s.prev, s.next, s.nextAt)
		if len(s.rID) > 0 {
			b.Queue(`INSERT INTO kpi_reopens (message_id, conversation_id, at)
				SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[])`, s.rID, s.rConv, s.rAt)
		}
	}
	if len(asg) > 0 {
		var id, conv []int64
		var at []time.Time
		var owner, before []*int64
		var bySLA []bool
		for _, a := range asg {
			id, conv, at = append(id, a.id), append(conv, a.conv), append(at, a.at)
			owner, before, bySLA = append(owner, a.owner), append(before, a.before), append(bySLA, a.bySLA)
		}
		b.Queue(`INSERT INTO kpi_assignments (id, conversation_id, at, owner, by_sla, before)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bigint[], $5::bool[], $6::bigint[])`,
			id, conv, at, owner, bySLA, before)
	}
	return tx.SendBatch(ctx, b).Close()
}
