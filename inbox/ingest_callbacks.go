package inbox

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
)

// Call-back reminders. A customer whose call we missed gets one reminder,
// not one per missed call: the reminder stays the customer's open call
// back (its dedupe key is callbackKey) until an answered call with them,
// inbound or outbound, at or after the latest missed call closes it. A
// pending reminder is then cancelled; one that has fired is left done.
// The next missed call opens a new one. An open call back whose latest
// missed call is older than callbackWithin, and that has fired, gives way
// to a new one at the customer's next missed call, so that someone is
// told again.
//
// Only calls from the last callbackWithin count, so importing last year's
// call log asks for no call back; a call log with a missed call and the
// call that returned it (in either order of storing) leaves none open.
// Calls with no customer number (anonymous) and internal calls never
// reach the inbox: the phone channel's reader skips them.
//
// The reminder is due at once. It is the conversation's assignee's; with
// none, remind tells the conversation's team, else the channel's team
// (its config's team_id), else the admins.

// callbackWithin is how recent a call must be to open or close a call
// back.
const callbackWithin = 24 * time.Hour

// callbackKey is the dedupe key of a customer's open call back: '%s' is
// the SQL of the contact id.
const callbackKey = `'callback:' || %s`

// callbacksNewSQL selects the recent calls among the new messages the
// query %s names by id, with their contact and whether they were
// answered.
const callbacksNewSQL = `SELECT m.id, m.conversation_id, m.sent_at, m.direction, m.identity,
			m.call->>'disposition' = 'ANSWERED' AS answered, c.contact_id
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.id IN (%s) AND m.kind = 'call' AND m.sent_at >= now() - make_interval(secs => %d)`

// closeCallbacksSQL closes the open call backs that the new calls settle:
// an answered call at or after the latest missed call returns it (a
// pending reminder is cancelled), and a new missed call retires a fired
// reminder whose missed call is older than callbackWithin.
var closeCallbacksSQL = `WITH n AS (` + callbacksNewSQL + `), a AS (
		SELECT contact_id, max(sent_at) FILTER (WHERE answered) AS answered_at,
			bool_or(direction = 'in' AND NOT answered) AS missed
		FROM n GROUP BY contact_id)
	UPDATE schedules s SET dedupe = NULL,
		state = CASE WHEN s.state = 'pending' AND a.answered_at >= (s.payload->>'call_at')::timestamptz
			THEN 'cancelled' ELSE s.state END
	FROM a
	WHERE s.dedupe = ` + fmt.Sprintf(callbackKey, "a.contact_id") + `
		AND (a.answered_at >= (s.payload->>'call_at')::timestamptz
			OR (a.missed AND s.state <> 'pending'
				AND (s.payload->>'call_at')::timestamptz < now() - make_interval(secs => %[2]d)))`

// openCallbacksSQL opens a call back for each customer whose latest new
// missed inbound call was not answered since (by a call stored before or
// with it), or moves the open one's missed call up to it.
var openCallbacksSQL = `WITH n AS (` + callbacksNewSQL + `), missed AS (
		SELECT DISTINCT ON (n.contact_id) n.* FROM n
		WHERE n.direction = 'in' AND NOT n.answered
		ORDER BY n.contact_id, n.sent_at DESC, n.id DESC)
	INSERT INTO schedules (kind, due_at, conversation_id, contact_id, user_id, payload, dedupe)
	SELECT 'reminder', now(), x.conversation_id, x.contact_id, c.assignee_id,
		jsonb_build_object('text', 'Call back ' || who.name || ' (missed call)',
			'reminder', jsonb_build_object('key', '` + TextReminderCallback + `', 'args', jsonb_build_object('name', who.name)),
			'call_at', x.sent_at, 'callback', true), ` + fmt.Sprintf(callbackKey, "x.contact_id") + `
	FROM missed x
	JOIN conversations c ON c.id = x.conversation_id
	JOIN contacts ct ON ct.id = x.contact_id
	CROSS JOIN LATERAL (SELECT COALESCE(NULLIF(ct.name, ''), ` + identityValue("x.identity") + `) AS name) who
	WHERE NOT EXISTS (SELECT FROM conversations o JOIN messages m ON m.conversation_id = o.id
		WHERE o.contact_id = x.contact_id AND m.kind = 'call' AND m.sent_at >= x.sent_at
			AND m.call->>'disposition' = 'ANSWERED')
	ON CONFLICT (dedupe) DO UPDATE SET payload = schedules.payload || jsonb_build_object('call_at', EXCLUDED.payload->'call_at')
		WHERE (schedules.payload->>'call_at')::timestamptz < (EXCLUDED.payload->>'call_at')::timestamptz`

// callbackLockSpace sets the advisory lock keys of call backs apart from
// the contacts' (crm.LockSpace, 1<<62), the channel owners'
// (channelLockSpace, 1<<61) and the other advisory locks Peyk takes.
const callbackLockSpace = int64(1) << 60

// lockCallbacksSQL takes, in contact id order, the transaction-level
// advisory locks of the call backs of the contacts of the new calls: two
// transactions that store calls with one customer (a missed call and the
// call that returns it, committed at once) run their close and open
// statements one after the other, each seeing what the other committed,
// instead of side by side under READ COMMITTED, where neither sees the
// other's call and a call back is left open. The locks are taken last,
// after any contact lock, so they add no lock-order cycle.
var lockCallbacksSQL = `WITH n AS (` + callbacksNewSQL + `)
	SELECT pg_advisory_xact_lock(` + fmt.Sprint(callbackLockSpace) + ` | contact_id)
	FROM (SELECT DISTINCT contact_id FROM n ORDER BY contact_id) x`

// callbackSQL returns the statement sql (lockCallbacksSQL,
// closeCallbacksSQL or openCallbacksSQL) over the new messages that the
// query ids names.
func callbackSQL(sql, ids string) string {
	return fmt.Sprintf(sql, ids, int(callbackWithin/time.Second))
}

// bulkCallIDs names the recent messages of a bulk ingest's bulk_new: an
// import of old calls looks at none of them.
var bulkCallIDs = fmt.Sprintf(`SELECT id FROM bulk_new WHERE sent_at >= now() - make_interval(secs => %d)`,
	int(callbackWithin/time.Second))

// queueCallbacks queues the call backs' update for the new messages of
// the plan: the call backs' locks, then those the new calls close, then
// those they open.
func (p *plan) queueCallbacks(b *pgx.Batch) {
	var ids []int64
	n := 0
	for i, it := range p.items {
		if p.dup[i] {
			continue
		}
		id := p.msgIDs[n]
		n++
		if it.in.Kind == channels.KindCall && !it.in.SentAt.Before(p.now.Add(-callbackWithin)) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return
	}
	const rel = `SELECT unnest($1::bigint[])`
	b.Queue(callbackSQL(lockCallbacksSQL, rel), ids)
	b.Queue(callbackSQL(closeCallbacksSQL, rel), ids)
	b.Queue(callbackSQL(openCallbacksSQL, rel), ids)
}
