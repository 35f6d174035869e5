package kpi

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/inbox/audit"
)

// factsSQL reads the facts of the conversations $1 that their status and
// agent histories come from, per conversation by writing transaction (a
// fact stored before migration 00025 has none: 0), then by time, status
// facts before messages at one instant; order puts the transactions in
// the order they took effect. kind is s (audit.Status), r (audit.Reopen),
// m (a customer's message that may reopen: inbound, no auto-reply or
// history, a text, mail or call, stored since 00025 and not by the
// ingest, which records its reopenings as r facts since 00026:
// reopen_audited), a (audit.Assign) or b (audit.SLABreach).
const factsSQL = `SELECT f.conv, f.kind, f.id, f.at, f.actor_id, f.data, c.created_at, f.x::text::bigint
	FROM (SELECT e.subject_id AS conv, CASE e.action WHEN $2 THEN 's' WHEN $3 THEN 'r' WHEN $4 THEN 'a' ELSE 'b' END AS kind,
			e.id, e.at, e.actor_id, e.data, COALESCE(e.xid, '0') AS x, 0 AS rank
		FROM audit_events e
		WHERE e.subject_type = 'conversation' AND e.subject_id = ANY($1) AND e.action IN ($2, $3, $4, $5)
		UNION ALL
		SELECT m.conversation_id, 'm', m.id, m.sent_at, NULL, NULL, m.xid, 1
		FROM messages m
		WHERE m.conversation_id = ANY($1) AND m.xid IS NOT NULL AND NOT m.reopen_audited AND m.direction = 'in'
			AND NOT m.auto_reply AND m.kind IN ('text', 'email', 'call')) f
	LEFT JOIN conversations c ON c.id = f.conv
	ORDER BY f.conv, f.x, f.at, f.rank, f.id`

// fact is one row of factsSQL.
type fact struct {
	conv    int64
	kind    string
	id      int64
	at      time.Time
	actor   *int64
	data    []byte
	started *time.Time
	xid     int64
}

// order puts the facts of each conversation (in factsSQL's order) in the
// order their transactions took effect, keeping each transaction's facts
// in factsSQL's order. The writers of a conversation's status take its
// row lock before they record their last audit event on it (an agent's
// action updates the conversation, then records; the ingest records its
// reopenings from the status it updated), and an event's id is a sequence
// value: so of two transactions, the one whose last event on the
// conversation has the higher id took the lock later, whatever their
// transaction ids (a transaction gets its id at its first write, maybe
// before it waited for the lock). The facts stored before migration 00025
// (no transaction id) come first, as they were; a transaction with
// messages and no event (customer messages not reopen_audited: stored
// before 00026, or by another writer) goes by its transaction id among
// the others, as it did before.
func order(facts []fact) []fact {
	type txn struct {
		facts  []fact
		last   int64 // the id of its last audit event; 0: none
		xid    int64
		events bool
	}
	out := make([]fact, 0, len(facts))
	for start := 0; start < len(facts); {
		end := start
		for end < len(facts) && facts[end].conv == facts[start].conv {
			end++
		}
		var first, events, messages []txn
		for i := start; i < end; {
			j := i
			t := txn{xid: facts[i].xid}
			for j < end && facts[j].xid == facts[i].xid {
				if facts[j].kind != "m" {
					t.events, t.last = true, max(t.last, facts[j].id)
				}
				j++
			}
			t.facts = facts[i:j]
			switch {
			case t.xid == 0:
				first = append(first, t)
			case t.events:
				events = append(events, t)
			default:
				messages = append(messages, t)
			}
			i = j
		}
		slices.SortStableFunc(events, func(a, b txn) int { return cmp.Compare(a.last, b.last) })
		for _, t := range first {
			out = append(out, t.facts...)
		}
		// Merge the two sequences: messages by transaction id, events
		// by their last event.
		for len(events) > 0 || len(messages) > 0 {
			if len(events) == 0 || (len(messages) > 0 && messages[0].xid < events[0].xid) {
				out, messages = append(out, messages[0].facts...), messages[1:]
			} else {
				out, events = append(out, events[0].facts...), events[1:]
			}
		}
		start = end
	}
	return out
}

// statusRow is a row of kpi_statuses: a status change (ord 0, id of its
// audit event) or a reopening by a customer message (ord 1, id of the
// message, status "reopened").
type statusRow struct {
	conv    int64
	at      time.Time
	ord     int16
	id      int64
	actor   *int64
	status  *string
	started *time.Time
	// The change before and after in the conversation's history.
	hasPrev      bool
	prev, next   *string
	nextAt       *time.Time
	reopenedByID int64 // the message, for kpi_reopens (ord 1)
}

// assignRow is a row of kpi_assignments: a change of the conversation's
// agent (owner nil: unassigned), by an agent or the SLA check.
type assignRow struct {
	id, conv      int64
	at            time.Time
	owner, before *int64
	bySLA         bool
}

// replay turns the facts of conversations (in the order of order) into their
// status and agent histories. A customer's message reopens a conversation
// that is resolved when it is stored: it is the first such message since
// the resolve, and the reopening is at its time or the resolve's, whichever
// is later (a message sent before the resolve but stored after it).
func replay(facts []fact) ([]statusRow, []assignRow) {
	var sts []statusRow
	var asg []assignRow
	var conv int64 = -1
	var state string
	var resolvedAt time.Time
	reopen := "reopened"
	for _, f := range facts {
		if f.conv != conv {
			conv, state = f.conv, ""
		}
		switch f.kind {
		case "s":
			var d audit.Status
			audit.Decode(f.data, &d)
			var st *string
			if d.Status != "" {
				st = &d.Status
			}
			sts = append(sts, statusRow{conv: f.conv, at: f.at, id: f.id, actor: f.actor, status: st, started: f.started})
			state, resolvedAt = d.Status, f.at
		case "r":
			var d audit.Reopen
			audit.Decode(f.data, &d)
			sts = append(sts, statusRow{conv: f.conv, at: f.at, ord: 1, id: d.MessageID, status: &reopen,
				started: f.started, reopenedByID: d.MessageID})
			state = reopen
		case "m":
			if state == "resolved" {
				at := f.at
				if resolvedAt.After(at) {
					at = resolvedAt
				}
				sts = append(sts, statusRow{conv: f.conv, at: at, ord: 1, id: f.id, status: &reopen,
					started: f.started, reopenedByID: f.id})
				state = reopen
			}
		case "a":
			var d audit.Assign
			audit.Decode(f.data, &d)
			var owner *int64
			if d.AssigneeID != 0 {
				owner = &d.AssigneeID
			}
			asg = append(asg, assignRow{id: f.id, conv: f.conv, at: f.at, owner: owner})
		case "b":
			var d audit.SLABreach
			if audit.Decode(f.data, &d); d.ToUserID != nil {
				asg = append(asg, assignRow{id: f.id, conv: f.conv, at: f.at, owner: d.ToUserID, bySLA: true})
			}
		}
	}
	link(sts, asg)
	return sts, asg
}

// link sets each change's neighbours in its conversation's history:
// status changes ordered by time, then ord, then id; agent changes by
// time, then id.
func link(sts []statusRow, asg []assignRow) {
	slices.SortFunc(sts, func(a, b statusRow) int {
		return cmp.Or(cmp.Compare(a.conv, b.conv), a.at.Compare(b.at), cmp.Compare(a.ord, b.ord), cmp.Compare(a.id, b.id))
	})
	for i := range sts {
		if i > 0 && sts[i-1].conv == sts[i].conv {
			sts[i].hasPrev, sts[i].prev = true, sts[i-1].status
		}
		if i+1 < len(sts) && sts[i+1].conv == sts[i].conv {
			sts[i].next, sts[i].nextAt = sts[i+1].status, &sts[i+1].at
		}
	}
	slices.SortFunc(asg, func(a, b assignRow) int {
		return cmp.Or(cmp.Compare(a.conv, b.conv), a.at.Compare(b.at), cmp.Compare(a.id, b.id))
	})
	for i := 1; i < len(asg); i++ {
		if asg[i-1].conv == asg[i].conv {
			asg[i].before = asg[i-1].owner
		}
	}
}

// rollHistory rewrites the kpi_statuses, kpi_reopens and kpi_assignments
// rows of the conversations convs from their facts.
func rollHistory(ctx context.Context, tx pgx.Tx, convs []int64) error {
	rows, _ := tx.Query(ctx, factsSQL, convs, audit.ActionStatus, audit.ActionReopen, audit.ActionAssign,
		audit.ActionSLABreach)
	var facts []fact
	var f fact
	_, err := pgx.ForEachRow(rows, []any{&f.conv, &f.kind, &f.id, &f.at, &f.actor, &f.data, &f.started, &f.xid}, func() error {
		facts = append(facts, f)
		f = fact{} // the next row scans into fresh pointers and bytes
		return nil
	})
	if err != nil {
		return err
	}
	sts, asg := replay(order(facts))
	return writeHistory(ctx, tx, convs, sts, asg)
}
