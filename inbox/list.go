package inbox

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/crm"
)

// StatusAll asks ListConversations for conversations of every status.
const StatusAll = "all"

// ConversationFilter says which conversations ListConversations returns.
// Zero fields do not filter.
type ConversationFilter struct {
	// Status is open (the default when empty), pending, snoozed, resolved
	// or all.
	Status     string
	ChannelID  int64
	AssigneeID int64
	// Unassigned keeps only conversations without an assignee.
	Unassigned bool
	TeamID     int64
	// Tag keeps conversations carrying this tag (compared lower-cased).
	Tag string
	// Query searches subjects, contact names and identities (phone numbers
	// whatever their prefix) and reference numbers ("1234" or "#1234"),
	// folding Persian and Arabic letters and digits (crm.Fold).
	Query string
	// Cursor is the Next of the previous page; empty for the first page.
	Cursor string
	// Limit is the page size: default 50, at most 200.
	Limit int
	// Viewer leaves out what it may not see (team_visibility); the zero
	// Viewer sees everything. Scoped.ListConversations sets it.
	Viewer Viewer
}

// ConversationItem is one row of the inbox: the conversation with what
// the list shows of its contact, channel, assignee and last message.
type ConversationItem struct {
	Conversation
	ContactName string `json:"contact_name"`
	// ContactHandle is, for a contact without a name, its first identity
	// (a phone number, an address or a handle) to show instead.
	ContactHandle string `json:"contact_handle,omitempty"`
	ChannelKind   string `json:"channel_kind"`
	ChannelName   string `json:"channel_name"`
	AssigneeName  string `json:"assignee_name"`
	TeamName      string `json:"team_name"`
	// Preview is the start of the last message or note (events are
	// skipped), white space collapsed; LastDirection ("in" or "out") and
	// LastKind (text, email, call, note) describe that message.
	Preview       string `json:"preview"`
	LastDirection string `json:"last_direction"`
	LastKind      string `json:"last_kind"`
}

// maxQuery is the longest text search, in characters.
const maxQuery = 200

// previewRunes is how much of the last message an item carries.
const previewRunes = 140

// itemColumns are the ConversationItem columns over a conversations row c.
const itemColumns = `c.id, c.ref, c.contact_id, c.channel_id, c.status, c.assignee_id, c.team_id, c.priority,
	c.subject, c.reply_token, c.tags, c.unread, c.created_at, c.updated_at, c.last_message_at, c.last_inbound_at,
	c.first_response_at, c.waiting_since, c.snoozed_until, c.resolved_at,
	ct.name AS contact_name,
	CASE WHEN ct.name = '' THEN coalesce((SELECT ci.value FROM contact_identities ci
		WHERE ci.contact_id = ct.id ORDER BY ci.id LIMIT 1), '') ELSE '' END AS contact_handle,
	coalesce(ch.kind, '') AS channel_kind, coalesce(ch.name, '') AS channel_name,
	coalesce(u.name, '') AS assignee_name, coalesce(t.name, '') AS team_name,
	coalesce(lm.preview, '') AS preview, coalesce(lm.direction, '') AS last_direction,
	coalesce(lm.kind, '') AS last_kind`

// itemJoins adds to c the rows itemColumns reads.
const itemJoins = `
	JOIN contacts ct ON ct.id = c.contact_id
	LEFT JOIN channels ch ON ch.id = c.channel_id
	LEFT JOIN users u ON u.id = c.assignee_id
	LEFT JOIN teams t ON t.id = c.team_id
	LEFT JOIN LATERAL (SELECT substr(m.body, 1, 400) AS preview, m.direction, m.kind FROM messages m
		WHERE m.conversation_id = c.id AND m.kind <> 'event' ORDER BY m.sent_at DESC, m.id DESC LIMIT 1) lm ON true`

var allStatuses = []string{StatusOpen, StatusPending, StatusSnoozed, StatusResolved}

// ListConversations returns a page of conversations, the latest message
// first (last_message_at, then id, descending), and the cursor of the next
// page ("" after the last). A bad status or cursor is ErrInvalid.
func (ib *Inbox) ListConversations(ctx context.Context, f ConversationFilter) ([]ConversationItem, string, error) {
	statuses, err := f.statuses()
	if err != nil {
		return nil, "", err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	var q sqlBuilder
	if f.Cursor != "" {
		k, err := parseCursor(f.Cursor, true)
		if err != nil {
			return nil, "", err
		}
		q.where("(c.last_message_at, c.id) < (" + q.arg(k.at) + ", " + q.arg(k.id) + ")")
	}
	if f.ChannelID != 0 {
		q.where("c.channel_id = " + q.arg(f.ChannelID))
	}
	if f.AssigneeID != 0 {
		q.where("c.assignee_id = " + q.arg(f.AssigneeID))
	}
	if f.Unassigned {
		q.where("c.assignee_id IS NULL")
	}
	if f.TeamID != 0 {
		q.where("c.team_id = " + q.arg(f.TeamID))
	}
	if f.Viewer.Restricted {
		q.where(f.Viewer.cond(&q, "c"))
	}
	if tag := crm.CleanTags([]string{f.Tag}); len(tag) == 1 {
		q.where("c.tags @> ARRAY[" + q.arg(tag[0]) + "]::text[]")
	}
	var sql string
	lim := q.arg(limit + 1)
	search := strings.TrimSpace(f.Query)
	if utf8.RuneCountInString(search) > maxQuery {
		return nil, "", fmt.Errorf("inbox: search longer than %d characters: %w", maxQuery, ErrInvalid)
	}
	if search != "" {
		q.where("c.id IN (" + q.searchHits(search) + ")")
		q.where("c.status = ANY(" + q.arg(statuses) + ")")
		sql = `SELECT ` + itemColumns + ` FROM (SELECT * FROM conversations c WHERE ` + q.cond() +
			` ORDER BY c.last_message_at DESC, c.id DESC LIMIT ` + lim + `) c` + itemJoins +
			` ORDER BY c.last_message_at DESC, c.id DESC`
	} else {
		// One index range per status, merged: each status's page comes in
		// order from its index.
		q.where("c.status = s.status")
		sql = `SELECT ` + itemColumns + ` FROM (SELECT c.* FROM unnest(` + q.arg(statuses) + `::text[]) s(status)
			CROSS JOIN LATERAL (SELECT * FROM conversations c WHERE ` + q.cond() +
			` ORDER BY c.last_message_at DESC, c.id DESC LIMIT ` + lim + `) c
			ORDER BY c.last_message_at DESC, c.id DESC LIMIT ` + lim + `) c` + itemJoins +
			` ORDER BY c.last_message_at DESC, c.id DESC`
	}
	rows, _ := ib.pool.Query(ctx, sql, q.args...)
	items, err := pgx.CollectRows(rows, pgx.RowToStructByName[ConversationItem])
	if err != nil {
		return nil, "", fmt.Errorf("inbox: list conversations: %w", err)
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		last := items[limit-1]
		next = cursor{at: last.LastMessageAt, id: last.ID}.String()
	}
	for i := range items {
		items[i].Preview = preview(items[i].Preview)
	}
	return items, next, nil
}

func (f ConversationFilter) statuses() ([]string, error) {
	switch f.Status {
	case "":
		return []string{StatusOpen}, nil
	case StatusAll:
		return allStatuses, nil
	case StatusOpen, StatusPending, StatusSnoozed, StatusResolved:
		return []string{f.Status}, nil
	}
	return nil, fmt.Errorf("inbox: status %q (want open, pending, snoozed, resolved or all): %w", f.Status, ErrInvalid)
}

// searchHits returns a subquery of the ids of conversations matching the
// text search.
func (q *sqlBuilder) searchHits(search string) string {
	name, ident := crm.SearchKeys(search)
	hits := []string{
		`SELECT id FROM conversations WHERE subject <> '' AND peyk_fold(subject) LIKE ` + q.arg("%"+crm.LikeEscape(name)+"%"),
		`SELECT id FROM conversations WHERE contact_id IN (
			SELECT id FROM contacts WHERE name_fold LIKE ` + q.arg("%"+crm.LikeEscape(name)+"%") + `
			UNION SELECT contact_id FROM contact_identities WHERE value LIKE ` + q.arg("%"+crm.LikeEscape(ident)+"%") + `)`,
	}
	if ref, err := strconv.ParseInt(strings.TrimPrefix(name, "#"), 10, 64); err == nil && ref > 0 {
		hits = append(hits, `SELECT id FROM conversations WHERE ref = `+q.arg(ref))
	}
	return strings.Join(hits, " UNION ")
}

// preview collapses the white space of s and cuts it to previewRunes.
func preview(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > previewRunes {
		return string(r[:previewRunes]) + "…"
	}
	return s
}

// sqlBuilder collects the conditions and arguments of a query built from
// optional filters, so that each filter that is set is a plain indexable
// condition.
type sqlBuilder struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (q *sqlBuilder) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *sqlBuilder) where(cond string) { q.conds = append(q.conds, cond) }

// cond returns the conditions joined with AND ("true" when none).
func (q *sqlBuilder) cond() string {
	if len(q.conds) == 0 {
		return "true"
	}
	return strings.Join(q.conds, " AND ")
}
