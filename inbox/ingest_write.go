package inbox

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/audit"
)

// convUpdate is what a group's messages change on one conversation.
type convUpdate struct {
	last, lastIn, outFirst, waitFrom *time.Time
	unread                           int32
	reopen, outSeen                  bool
	// reopenMsg and reopenAt are the customer's first message of the
	// group (by time, then id): the one that reopens the conversation if
	// it was resolved (reopenEventsSQL).
	reopenMsg *int64
	reopenAt  *time.Time
}

// queueWrites queues the inserts of conversations, messages and
// attachments, the conversation updates, the cursors and the notifications.
func (p *plan) queueWrites(b *pgx.Batch) {
	p.queueConversations(b)
	p.queueMessages(b)
	p.queueUpdates(b)
	if ids, values := p.cursors(); len(ids) > 0 {
		b.Queue(`UPDATE channels SET cursor = u.c
			FROM unnest($1::bigint[], $2::text[]) AS u(id, c) WHERE channels.id = u.id`, ids, values)
	}
}

func (p *plan) queueConversations(b *pgx.Batch) {
	if len(p.created) == 0 {
		return
	}
	n := len(p.created)
	ids, contacts, chans := make([]int64, n), make([]int64, n), make([]int64, n)
	subjects, tokens, statuses := make([]string, n), make([]string, n), make([]string, n)
	created := make([]time.Time, n)
	history := make([]bool, n)
	for i, c := range p.created {
		ids[i], contacts[i], chans[i] = c.id, c.contact, c.channel
		subjects[i], tokens[i], statuses[i], created[i] = c.subject, c.token, c.status, c.created
		history[i] = c.history
	}
	// A new conversation starts in its channel's team (the routing the
	// teams settings set).
	b.Queue(`INSERT INTO conversations (id, contact_id, channel_id, subject, reply_token, status,
			resolved_at, created_at, last_message_at, history, team_id)
		SELECT id, ct, ch, s, tok, st, CASE WHEN st = 'resolved' THEN now() END, t, t, h,
			(SELECT team_id FROM channels WHERE channels.id = ch)
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
			$8::bool[]) AS u(id, ct, ch, s, tok, st, t, h)`, ids, contacts, chans, subjects, tokens, statuses, created, history)
	// An auto-reply's conversation starts resolved, by the system; the
	// reports count the backlog from the audited resolves. History's
	// resolve is not audited: the reports leave history out altogether.
	var resolved []int64
	for i, st := range statuses {
		if st == StatusResolved && !history[i] {
			resolved = append(resolved, ids[i])
		}
	}
	if len(resolved) > 0 {
		b.Queue(`INSERT INTO audit_events (action, subject_type, subject_id, data)
			SELECT '`+audit.ActionStatus+`', 'conversation', id, `+resolvedData+`
			FROM unnest($1::bigint[]) AS id`, resolved)
	}
}

func (p *plan) queueMessages(b *pgx.Batch) {
	var (
		ids, convs, chans                                []int64
		exts, dirs, kinds, statuses, bodies, htmls, subj []string
		msgIDs, inReply, refs, headers, calls, idents    []string
		truncated, auto                                  []bool
		sent                                             []time.Time
		payloads                                         []string
		a                                                attachmentRows
	)
	for i, it := range p.items {
		if p.dup[i] {
			continue
		}
		id := p.msgIDs[len(ids)]
		in := it.in
		dir, status := direction(in)
		ids, convs, chans = append(ids, id), append(convs, p.convOf[i]), append(chans, in.ChannelID)
		exts, dirs, kinds, statuses = append(exts, in.ExternalID), append(dirs, dir), append(kinds, string(in.Kind)), append(statuses, status)
		bodies, htmls, subj = append(bodies, in.Text), append(htmls, in.HTML), append(subj, in.Thread.Subject)
		msgIDs, inReply = append(msgIDs, in.Thread.MessageID), append(inReply, in.Thread.InReplyTo)
		refs = append(refs, strings.Join(in.Thread.References, " "))
		headers, calls = append(headers, string(it.headers)), append(calls, string(it.call))
		idents = append(idents, identityColumn(it.group[0]))
		// Inbound history is stored as auto-replies are, so the KPI
		// rollup (package inbox/kpi) leaves it out of the requests' first
		// messages and the reopenings.
		historyIn := in.History && in.Direction != channels.Out
		truncated, auto, sent = append(truncated, it.truncated), append(auto, in.AutoReply || historyIn), append(sent, in.SentAt)
		payloads = append(payloads, event(Event{Type: "message.created", ConversationID: p.convOf[i],
			MessageID: id, ContactID: p.res.Contact(i), ChannelID: in.ChannelID, NewConversation: p.isNew[p.convOf[i]]}))
		a.add(id, it.atts)
	}
	if len(ids) == 0 {
		return
	}
	want := int64(len(ids))
	b.Queue(`INSERT INTO messages (id, conversation_id, channel_id, external_id, direction, kind, status,
			body, html, subject, message_id, in_reply_to, refs, headers, call, truncated, auto_reply, sent_at, identity,
			reopen_audited)
		SELECT id, cv, ch, ext, dir, k, st, body, html, subj, NULLIF(mid, ''), NULLIF(irt, ''),
			COALESCE(string_to_array(NULLIF(refs, ''), ' '), '{}'), NULLIF(h, '')::jsonb, NULLIF(cl, '')::jsonb,
			tr, ar, sent, idn, true
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
			$16::bool[], $17::bool[], $18::timestamptz[], $19::text[])
			AS u(id, cv, ch, ext, dir, k, st, body, html, subj, mid, irt, refs, h, cl, tr, ar, sent, idn)
		ON CONFLICT (channel_id, external_id) DO NOTHING`,
		ids, convs, chans, exts, dirs, kinds, statuses, bodies, htmls, subj, msgIDs, inReply, refs,
		headers, calls, truncated, auto, sent, idents).Exec(func(ct pgconn.CommandTag) error {
		if ct.RowsAffected() != want {
			return crm.ErrRace // another process stored one of them first
		}
		return nil
	})
	a.queue(b)
	queueNotify(b, summarize(payloads, len(payloads)))
	p.queueCallbacks(b)
}

// queueUpdates queues one update per touched conversation: last message
// times, unread count, waiting time, first response and reopening.
func (p *plan) queueUpdates(b *pgx.Batch) {
	ups := make(map[int64]*convUpdate)
	var order []int64
	k := 0 // the stored messages' index in p.msgIDs, as in queueMessages
	for i, it := range p.items {
		if p.dup[i] {
			continue
		}
		msg := p.msgIDs[k]
		k++
		id := p.convOf[i]
		u := ups[id]
		if u == nil {
			u = &convUpdate{}
			ups[id] = u
			order = append(order, id)
		}
		t := it.in.SentAt
		u.last = later(u.last, t)
		switch {
		case it.in.History:
			// For the record only: nothing to read, answer or wait for.
		case it.in.Direction == channels.Out:
			u.outSeen, u.waitFrom = true, nil
			if u.outFirst == nil || t.Before(*u.outFirst) {
				u.outFirst = &t
			}
		case !it.in.AutoReply:
			u.unread++
			u.reopen = true
			u.lastIn = later(u.lastIn, t)
			if u.waitFrom == nil {
				u.waitFrom = &t
			}
			if u.reopenAt == nil || t.Before(*u.reopenAt) || (t.Equal(*u.reopenAt) && msg < *u.reopenMsg) {
				u.reopenAt, u.reopenMsg = &t, &msg
			}
		}
	}
	if len(order) == 0 {
		return
	}
	n := len(order)
	last, lastIn, outFirst, waitFrom := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
	unread, reopen, outSeen := make([]int32, n), make([]bool, n), make([]bool, n)
	reopenMsg, reopenAt := make([]*int64, n), make([]*time.Time, n)
	for i, id := range order {
		u := ups[id]
		last[i], lastIn[i], outFirst[i], waitFrom[i] = u.last, u.lastIn, u.outFirst, u.waitFrom
		unread[i], reopen[i], outSeen[i] = u.unread, u.reopen, u.outSeen
		reopenMsg[i], reopenAt[i] = u.reopenMsg, u.reopenAt
	}
	if slices.Contains(reopen, true) {
		b.Queue(fmt.Sprintf(endHistorySQL, `SELECT id FROM unnest($1::bigint[], $2::bool[]) AS u(id, r) WHERE r`), order, reopen)
	}
	b.Queue(`WITH upd AS (`+fmt.Sprintf(updateConversationsSQL, `unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::int[], $5::bool[],
			$6::timestamptz[], $7::bool[], $8::timestamptz[], $9::bigint[], $10::timestamptz[])
			AS u(id, last, last_in, unread, reopen, out_first, out_seen, wait_from, reopen_msg, reopen_at)`)+`)
		`+reopenEventsSQL,
		order, last, lastIn, unread, reopen, outFirst, outSeen, waitFrom, reopenMsg, reopenAt)
	b.Queue(fmt.Sprintf(cancelWaitsSQL, `SELECT id FROM unnest($1::bigint[], $2::bool[]) AS u(id, r) WHERE r`), order, reopen)
}

func later(cur *time.Time, t time.Time) *time.Time {
	if cur == nil || t.After(*cur) {
		return &t
	}
	return cur
}
