package inbox

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/crm"
)

// create inserts the new contacts with their identities and the new
// conversations.
func (t *bulkTx) create(ctx context.Context) error {
	var fresh int64
	err := t.QueryRow(ctx, `WITH c AS (INSERT INTO contacts (id, name, name_fold)
			SELECT contact, name, name_fold FROM bulk_ids WHERE fresh ORDER BY contact RETURNING 1)
		SELECT count(*) FROM c`).Scan(&fresh)
	if err != nil {
		return err
	}
	if fresh > 0 {
		ct, err := t.Exec(ctx, `INSERT INTO contact_identities (contact_id, kind, value)
			SELECT contact, ikind, ivalue FROM bulk_ids WHERE fresh ORDER BY ikind, ivalue
			ON CONFLICT (kind, value) DO NOTHING`)
		if err != nil {
			return err
		}
		if ct.RowsAffected() != fresh {
			if err := t.adopt(ctx); err != nil {
				return err
			}
		}
	}
	ct, err := t.Exec(ctx, `UPDATE bulk_convs SET conv = nextval('conversations_id_seq') WHERE NOT usable`)
	if err != nil || ct.RowsAffected() == 0 {
		return err
	}
	tokens := make([]string, ct.RowsAffected())
	for i := range tokens {
		tokens[i] = newToken()
	}
	// Statistics again: bulk_convs was analyzed with no conversation
	// numbered, and the planner took the new ones for one row.
	if _, err := t.Exec(ctx, `ANALYZE bulk_convs`); err != nil {
		return err
	}
	_, err = t.Exec(ctx, insertConversationsSQL, tokens)
	return err
}

// insertConversationsSQL opens the new conversations of bulk_convs in the
// state their messages leave them in (as updateConversationsSQL would set
// it after opening them as Ingest does), so that they are written once:
// the messages go in batch order, the first one giving the subject and
// the creation time, and the customer waits from their first message
// after the last one to them (their first message when none was to
// them: only the conversations with an outbound message are looked
// through). $1 are the reply tokens, joined by their
// ordinal: subscripting a text array walks it from the start, which made
// taking each conversation's token quadratic.
const insertConversationsSQL = `INSERT INTO conversations (id, contact_id, channel_id, subject, reply_token, status,
		created_at, last_message_at, last_inbound_at, unread, first_response_at, waiting_since, team_id)
	SELECT v.conv, v.contact, v.channel, f.subject, t.token, 'open', f.sent, v.last, v.last_in, v.unread,
		v.out_first, w.sent, (SELECT team_id FROM channels WHERE channels.id = v.channel)
	FROM (SELECT *, row_number() OVER (ORDER BY first_idx) AS n FROM bulk_convs WHERE conv IS NOT NULL) v
	JOIN unnest($1::text[]) WITH ORDINALITY t(token, n) ON t.n = v.n
	JOIN bulk_rows f ON f.idx = v.first_idx
	LEFT JOIN (SELECT v.conv, min(r.idx) AS idx
		FROM bulk_rows r JOIN bulk_ids b ON b.ikind = r.ikind AND b.ivalue = r.ivalue
		JOIN bulk_convs v ON v.contact = b.contact AND v.channel = r.channel
		WHERE v.conv IS NOT NULL AND v.last_out IS NOT NULL AND r.dir = 'in' AND r.idx > v.last_out
		GROUP BY v.conv) x ON x.conv = v.conv
	LEFT JOIN LATERAL (SELECT sent FROM bulk_rows
		WHERE idx = CASE WHEN v.last_out IS NULL THEN v.first_in ELSE x.idx END LIMIT 1) w ON true
	ORDER BY v.conv`

// adopt gives the senders whose identity a concurrent Ingest created
// first (this transaction waited for it to commit) that Ingest's contact
// instead of the one created here, and continues its conversation. When
// that contact has no conversation to continue, opening one would need
// its lock, taken out of order here: the transaction starts over instead
// (crm.ErrRace) and finds the contact.
func (t *bulkTx) adopt(ctx context.Context) error {
	rows, _ := t.Query(ctx, `WITH lost AS (
			SELECT b.ikind, b.ivalue, b.contact AS mine, i.contact_id AS theirs
			FROM bulk_ids b JOIN contact_identities i ON i.kind = b.ikind AND i.value = b.ivalue
			WHERE b.fresh AND i.contact_id <> b.contact),
		ids AS (UPDATE bulk_ids b SET fresh = false, contact = l.theirs FROM lost l
			WHERE b.ikind = l.ikind AND b.ivalue = l.ivalue),
		convs AS (UPDATE bulk_convs v SET contact = l.theirs, fresh = false FROM lost l WHERE v.contact = l.mine),
		gone AS (DELETE FROM contacts WHERE id IN (SELECT mine FROM lost))
		SELECT theirs FROM lost`)
	theirs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	var stuck int
	err = t.QueryRow(ctx, `WITH v AS (UPDATE bulk_convs v SET latest = l.id, usable = COALESCE(l.usable, false)
			FROM bulk_convs w LEFT JOIN LATERAL `+fmt.Sprintf(latestSQL, "w")+` l ON true
			WHERE w.contact = ANY($2) AND v.contact = w.contact AND v.channel = w.channel
			RETURNING v.usable)
		SELECT count(*) FROM v WHERE NOT usable`, t.now.Add(-t.cfg.ReopenWithin), theirs).Scan(&stuck)
	if err != nil {
		return err
	}
	if stuck > 0 {
		return crm.ErrRace
	}
	return nil
}

// bulkChunk is about how many messages one insert statement takes.
// PostgreSQL keeps the statement's new rows for the KPI triggers (its
// transition table), in memory up to work_mem and on disk beyond: half a
// million messages in one statement took twice as long per message as
// a hundred thousand.
const bulkChunk = 100_000

// insertSQL inserts the messages of the contacts whose id modulo $1 is $2
// in batch order (so their ids follow it) and keeps the new ones in
// bulk_new. The chunks split the messages by contact, so each
// conversation's messages go in one statement and the KPI triggers sum
// each conversation up once. Each chunk is a statement of its own, as in
// Ingest, so that triggers on messages (the KPI rollup) see the
// conversations as they were before these messages. %s is the conflict
// clause: none at first, since dedupe left out the messages already
// stored and a speculative insert costs each row a second index probe and
// a WAL record more; a message that a concurrent ingest stores meanwhile
// then fails the insert with a unique violation, and the steps run again
// with ON CONFLICT DO NOTHING.
var insertSQL = `WITH ins AS (
		INSERT INTO messages (conversation_id, channel_id, external_id, direction, kind, status, body, html,
			subject, headers, call, truncated, sent_at, identity, reopen_audited)
		SELECT COALESCE(v.conv, v.latest), r.channel, r.ext, r.dir, r.kind, r.status, r.body, r.html, r.subject,
			NULLIF(r.headers, '')::jsonb, NULLIF(r.call, '')::jsonb, r.truncated, r.sent, ` + identitySQL("r.ikind", "r.ivalue") + `, true
		FROM bulk_rows r
		JOIN bulk_ids b ON b.ikind = r.ikind AND b.ivalue = r.ivalue
		JOIN bulk_convs v ON v.contact = b.contact AND v.channel = r.channel
		WHERE mod(b.contact, $1) = $2
		ORDER BY r.idx %s
		RETURNING id, conversation_id, channel_id, external_id, direction, sent_at)
	INSERT INTO bulk_new SELECT * FROM ins`

// updateSQL, from the new messages, updates each conversation once (those
// opened here are already in their final state), records the reopenings
// (reopenEventsSQL), ends follow-ups and snoozes, and returns the
// first $1 new messages with their total count, for the notification.
var updateSQL = `WITH u AS (
		SELECT conversation_id AS id, max(sent_at) AS last, max(sent_at) FILTER (WHERE direction = 'in') AS last_in,
			(count(*) FILTER (WHERE direction = 'in'))::int AS unread, bool_or(direction = 'in') AS reopen,
			min(sent_at) FILTER (WHERE direction = 'out') AS out_first, bool_or(direction = 'out') AS out_seen,
			(array_agg(sent_at ORDER BY id) FILTER (WHERE direction = 'in' AND id > COALESCE(last_out, 0)))[1] AS wait_from,
			(array_agg(id ORDER BY sent_at, id) FILTER (WHERE direction = 'in'))[1] AS reopen_msg,
			min(sent_at) FILTER (WHERE direction = 'in') AS reopen_at
		FROM (SELECT *, max(id) FILTER (WHERE direction = 'out') OVER (PARTITION BY conversation_id) AS last_out
			FROM bulk_new n WHERE NOT EXISTS (SELECT FROM bulk_convs v WHERE v.conv = n.conversation_id)) x
		GROUP BY conversation_id
	), hist AS (` + fmt.Sprintf(endHistorySQL, "SELECT id FROM u WHERE reopen") + `
	), upd AS (` + fmt.Sprintf(updateConversationsSQL, "u") + `
	), reopened AS (` + reopenEventsSQL + `
	), cancel AS (` + fmt.Sprintf(cancelWaitsSQL, "SELECT id FROM u WHERE reopen") + `
	)
	SELECT i.n, i.id, i.conversation_id, c.contact_id, i.channel_id, v.conv IS NOT NULL
	FROM (SELECT count(*) OVER () AS n, id, conversation_id, channel_id FROM bulk_new ORDER BY id LIMIT $1) i
	JOIN conversations c ON c.id = i.conversation_id
	LEFT JOIN bulk_convs v ON v.conv = i.conversation_id
	ORDER BY i.id`

// write stores the messages, updates their conversations and notifies.
func (t *bulkTx) write(ctx context.Context) error {
	// The conversations are locked here, in id order (as the KPI
	// triggers' kpi_0_lock did before migration 00025), so that the
	// foreign-key checks of the messages find the locks held instead of
	// each writing a lock of its own to every row.
	if _, err := t.Exec(ctx, `SELECT FROM conversations WHERE id IN (SELECT COALESCE(conv, latest) FROM bulk_convs)
		ORDER BY id FOR NO KEY UPDATE`); err != nil {
		return err
	}
	_, err := t.Exec(ctx, `CREATE TEMP TABLE bulk_new (id bigint, conversation_id bigint, channel_id bigint,
		external_id text, direction text, sent_at timestamptz) ON COMMIT DROP`)
	if err != nil {
		return err
	}
	var staged int
	if err := t.QueryRow(ctx, `SELECT count(*) FROM bulk_rows`).Scan(&staged); err != nil {
		return err
	}
	chunks := max(1, (staged+bulkChunk/2)/bulkChunk)
	for k := range chunks {
		if _, err := t.Exec(ctx, fmt.Sprintf(insertSQL, t.conflict), chunks, k); err != nil {
			return err
		}
	}
	rows, _ := t.Query(ctx, updateSQL, bulkNotify+1)
	var payloads []string
	var n int
	var e Event
	_, err = pgx.ForEachRow(rows, []any{&n, &e.MessageID, &e.ConversationID, &e.ContactID, &e.ChannelID, &e.NewConversation},
		func() error {
			e.Type = "message.created"
			payloads = append(payloads, event(e))
			return nil
		})
	if err != nil {
		return err
	}
	t.inserted = n
	if n == 0 {
		return nil
	}
	b := &pgx.Batch{}
	b.Queue(callbackSQL(lockCallbacksSQL, bulkCallIDs))
	b.Queue(callbackSQL(closeCallbacksSQL, bulkCallIDs))
	b.Queue(callbackSQL(openCallbacksSQL, bulkCallIDs))
	queueNotify(b, summarize(payloads, n))
	return t.SendBatch(ctx, b).Close()
}
