package inbox

import (
	"fmt"

	"github.com/peykhq/peyk/inbox/audit"
)

// The SQL that the live ingest (Ingest: ingest_write.go) and the bulk
// ingest (IngestBulk: ingest_bulk_write.go) share, so that both leave a
// conversation in the same state; the call backs' SQL, shared too, is in
// ingest_callbacks.go.

// endHistorySQL, for the history conversations among those the query %s
// selects (the ones a customer's live message reopens), audits the
// resolve they were stored with, at the instant they started, as any
// conversation's: once updateConversationsSQL has made them live requests
// (history false), the reports replay them as started and resolved at
// once, then reopened by that message, and never in the backlog before
// it. Run before updateConversationsSQL, or in its statement.
var endHistorySQL = `INSERT INTO audit_events (at, action, subject_type, subject_id, data)
		SELECT c.created_at, '` + audit.ActionStatus + `', 'conversation', c.id, ` + resolvedData + `
		FROM conversations c WHERE c.history AND c.id IN (%s)`

// resolvedData is the data of a resolve by the system (audit.Status), as
// a SQL literal.
var resolvedData = audit.Literal(audit.Status{Status: StatusResolved})

// updateConversationsSQL applies what new messages change on their
// conversations, from the relation %s named u with the columns (id, last,
// last_in, unread, reopen, out_first, out_seen, wait_from, reopen_msg,
// reopen_at) of convUpdate. A customer's live message (reopen) ends a
// conversation's history (endHistorySQL): it is a request from then on.
// It locks the conversations first, in id order, and returns each one's
// status as it was under that lock (was, was_resolved_at) with u's
// reopening: reopenEventsSQL records the reopenings from them, so that a
// resolve committed by another transaction while this one waited for the
// lock is seen, whatever the order of the two transactions' ids.
const updateConversationsSQL = `UPDATE conversations c SET
			last_message_at = GREATEST(c.last_message_at, u.last),
			last_inbound_at = GREATEST(c.last_inbound_at, u.last_in),
			unread = c.unread + u.unread,
			status = CASE WHEN u.reopen THEN 'open' ELSE c.status END,
			snoozed_until = CASE WHEN u.reopen THEN NULL ELSE c.snoozed_until END,
			resolved_at = CASE WHEN u.reopen THEN NULL ELSE c.resolved_at END,
			history = c.history AND NOT u.reopen,
			first_response_at = COALESCE(c.first_response_at, u.out_first),
			waiting_since = CASE WHEN u.out_seen THEN u.wait_from ELSE COALESCE(c.waiting_since, u.wait_from) END,
			updated_at = now()
		FROM (SELECT u.*, o.status AS was, o.resolved_at AS was_resolved_at
			FROM %s JOIN conversations o ON o.id = u.id
			ORDER BY o.id FOR NO KEY UPDATE OF o) u
		WHERE c.id = u.id
		RETURNING c.id, u.reopen, u.was, u.was_resolved_at, u.reopen_msg, u.reopen_at`

// reopenEventsSQL records, from the rows upd that updateConversationsSQL
// returned, the reopenings: a customer's message that turned a resolved
// conversation open (audit.Reopen, at the message's time or the resolve's,
// whichever is later). The ingest records them itself, in the order of
// the conversation's lock, instead of the KPI rollup guessing them from
// the messages (it only does so for the messages not marked
// reopen_audited, migration 00026): a resolve that took the lock between
// this transaction's insert of the message and its update is before the
// reopening, as it took effect.
var reopenEventsSQL = `INSERT INTO audit_events (at, action, subject_type, subject_id, data)
		SELECT GREATEST(upd.reopen_at, upd.was_resolved_at), '` + audit.ActionReopen + `', 'conversation', upd.id,
			` + audit.ReopenSQL("upd.reopen_msg") + `
		FROM upd WHERE upd.reopen AND upd.was = 'resolved' AND upd.reopen_msg IS NOT NULL
		ORDER BY upd.id`

// cancelWaitsSQL ends the follow-ups and snoozes of the conversations the
// query %s selects: a customer's message ends them.
const cancelWaitsSQL = `UPDATE schedules SET state = 'cancelled'
		WHERE conversation_id IN (%s) AND state = 'pending' AND kind IN ('followup', 'wake')`

// bulkNotify is the most message.created notifications one transaction
// sends; a larger group (an import) sends one messages.imported instead.
const bulkNotify = 500

// summarize returns the payloads of n new messages to notify: the
// payloads themselves, or for more than bulkNotify (an import) one
// messages.imported summary instead of thousands of notifications.
func summarize(payloads []string, n int) []string {
	if n > bulkNotify {
		return []string{fmt.Sprintf(`{"type":"messages.imported","count":%d}`, n)}
	}
	return payloads
}
