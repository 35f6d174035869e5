package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// TimelineEntry is a message, note, call or event as a timeline shows it:
// with its author's name, its channel and its attachments' metadata.
type TimelineEntry struct {
	Message
	AuthorName  string           `json:"author_name"`
	ChannelKind string           `json:"channel_kind"`
	ChannelName string           `json:"channel_name"`
	Attachments []AttachmentInfo `json:"attachments"`
	// I18n, on a line the system wrote (a fired reminder), is what it
	// says as a catalogue key and arguments, for the reader's language;
	// nil on other entries and on events stored before keys.
	I18n *Text `json:"i18n,omitempty" db:"i18n"`
}

// AttachmentInfo describes one attachment of a message; the content is
// fetched by SHA256 (hex), or at URL for attachments kept by the provider.
type AttachmentInfo struct {
	Position    int    `json:"position"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	ContentID   string `json:"content_id"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
}

// ConversationView is a conversation with a page of its timeline.
type ConversationView struct {
	Conversation ConversationItem `json:"conversation"`
	// Messages are the newest page of the timeline (or the page before the
	// cursor), oldest first.
	Messages []TimelineEntry `json:"messages"`
	// Older is the cursor of the page of older messages; "" when none.
	Older string `json:"older"`
}

// entryColumns are the TimelineEntry columns over a messages row m.
const entryColumns = `m.id, m.conversation_id, m.channel_id, m.external_id, m.direction, m.kind, m.author_id,
	m.body, m.html, m.subject, m.message_id, m.in_reply_to, m.refs, m.call, m.status, m.attempts, m.error,
	m.truncated, m.auto_reply, m.identity, m.sent_at, m.status_at, m.edited_at, m.created_at,
	coalesce(u.name, '') AS author_name, coalesce(ch.kind, '') AS channel_kind, coalesce(ch.name, '') AS channel_name,
	coalesce((SELECT json_agg(json_build_object('position', a.position, 'name', a.name,
			'content_type', a.content_type, 'content_id', a.content_id, 'size', a.size,
			'sha256', coalesce(encode(a.sha256, 'hex'), ''), 'url', a.url) ORDER BY a.position)
		FROM message_attachments a WHERE a.message_id = m.id), '[]') AS attachments, m.i18n`

// entryJoins adds to m the rows entryColumns reads.
const entryJoins = `
	LEFT JOIN users u ON u.id = m.author_id
	LEFT JOIN channels ch ON ch.id = m.channel_id`

// pageLimit returns limit within 1…200, 50 when unset.
func pageLimit(limit int) int {
	if limit <= 0 {
		return 50
	}
	return min(limit, 200)
}

// ConversationView returns a conversation as the list shows it and a page
// of limit timeline entries (default 50, at most 200): the newest, or
// those before the Older cursor of a previous page. The timeline is in
// the order things happened (sent_at, then id), not the order they were
// stored, so an imported backlog lands in its place.
func (ib *Inbox) ConversationView(ctx context.Context, id int64, before string, limit int) (ConversationView, error) {
	limit = pageLimit(limit)
	c, err := ib.beforeCursor(ctx, before)
	if err != nil {
		return ConversationView{}, err
	}
	rows, _ := ib.pool.Query(ctx, `SELECT `+itemColumns+` FROM conversations c`+itemJoins+` WHERE c.id = $1`, id)
	item, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[ConversationItem])
	if errors.Is(err, pgx.ErrNoRows) {
		return ConversationView{}, fmt.Errorf("inbox: conversation %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return ConversationView{}, fmt.Errorf("inbox: conversation %d: %w", id, err)
	}
	item.Preview = preview(item.Preview)
	rows, _ = ib.pool.Query(ctx, `SELECT `+entryColumns+` FROM (SELECT * FROM messages
			WHERE conversation_id = $1 AND (sent_at, id) < ($2, $3) ORDER BY sent_at DESC, id DESC LIMIT $4) m`+entryJoins+`
		ORDER BY m.sent_at DESC, m.id DESC`, id, c.at, c.id, limit+1)
	entries, older, err := collectEntries(rows, limit)
	if err != nil {
		return ConversationView{}, fmt.Errorf("inbox: timeline of %d: %w", id, err)
	}
	return ConversationView{Conversation: item, Messages: entries, Older: older}, nil
}

// timelineEnd is a time after every message, the cursor of a first page.
var timelineEnd = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// beforeCursor returns the (sent_at, id) a timeline page ends before. A
// cursor of the id alone, as pages gave before timelines were ordered by
// time, is looked up.
func (ib *Inbox) beforeCursor(ctx context.Context, s string) (cursor, error) {
	if s == "" {
		return cursor{at: timelineEnd, id: 1<<63 - 1}, nil
	}
	if c, err := parseCursor(s, true); err == nil {
		return c, nil
	}
	c, err := parseCursor(s, false)
	if err != nil {
		return c, err
	}
	err = ib.pool.QueryRow(ctx, `SELECT sent_at FROM messages WHERE id = $1`, c.id).Scan(&c.at)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("inbox: cursor %q: no such message: %w", s, ErrInvalid)
	}
	if err != nil {
		return c, fmt.Errorf("inbox: cursor %q: %w", s, err)
	}
	return c, nil
}

// collectEntries reads up to limit+1 entries, newest first, and returns
// limit of them oldest first with the cursor of the older page.
func collectEntries(rows pgx.Rows, limit int) ([]TimelineEntry, string, error) {
	entries, err := pgx.CollectRows(rows, pgx.RowToStructByName[TimelineEntry])
	if err != nil {
		return nil, "", err
	}
	older := ""
	if len(entries) > limit {
		entries = entries[:limit]
		last := entries[limit-1]
		older = cursor{at: last.SentAt, id: last.ID}.String()
	}
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	return entries, older, nil
}

// ContactTimeline returns a page of a contact's timeline across all its
// conversations and channels, oldest first, with the cursor of the older
// page; in the order things happened (sent_at, then id), as
// ConversationView's. A contact merged into another shows the one it was
// merged into (whose timeline holds both), so old links keep working.
func (ib *Inbox) ContactTimeline(ctx context.Context, contactID int64, before string, limit int) ([]TimelineEntry, string, error) {
	limit = pageLimit(limit)
	c, err := ib.beforeCursor(ctx, before)
	if err != nil {
		return nil, "", err
	}
	live, err := ib.LiveContact(ctx, contactID)
	if err != nil {
		return nil, "", err
	}
	// Each conversation gives its newest entries from its own index range,
	// so a contact's page never scans other contacts' messages.
	rows, _ := ib.pool.Query(ctx, `SELECT `+entryColumns+` FROM (SELECT m.* FROM conversations c
			CROSS JOIN LATERAL (SELECT * FROM messages WHERE conversation_id = c.id AND (sent_at, id) < ($2, $3)
				ORDER BY sent_at DESC, id DESC LIMIT $4) m
			WHERE c.contact_id = $1 ORDER BY m.sent_at DESC, m.id DESC LIMIT $4) m`+entryJoins+`
		ORDER BY m.sent_at DESC, m.id DESC`, live, c.at, c.id, limit+1)
	entries, older, err := collectEntries(rows, limit)
	if err != nil {
		return nil, "", fmt.Errorf("inbox: timeline of contact %d: %w", contactID, err)
	}
	return entries, older, nil
}

// LiveContact follows a contact's merges (contacts.merged_into) to the
// contact that holds its record now; a contact never merged is itself.
func (ib *Inbox) LiveContact(ctx context.Context, id int64) (int64, error) {
	var live int64
	err := ib.pool.QueryRow(ctx, `WITH RECURSIVE chain(id, merged_into, depth) AS (
			SELECT id, merged_into, 0 FROM contacts WHERE id = $1
			UNION ALL SELECT c.id, c.merged_into, chain.depth + 1 FROM contacts c
			JOIN chain ON c.id = chain.merged_into WHERE chain.depth < 100)
		SELECT id FROM chain WHERE merged_into IS NULL`, id).Scan(&live)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("inbox: contact %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("inbox: contact %d: %w", id, err)
	}
	return live, nil
}

// MarkRead clears a conversation's unread count when an agent opens it.
func (ib *Inbox) MarkRead(ctx context.Context, id int64) error {
	ct, err := ib.pool.Exec(ctx, `UPDATE conversations SET unread = 0 WHERE id = $1 AND unread <> 0`, id)
	if err != nil {
		return fmt.Errorf("inbox: mark %d read: %w", id, err)
	}
	if ct.RowsAffected() == 0 {
		var one int
		if err := ib.pool.QueryRow(ctx, `SELECT 1 FROM conversations WHERE id = $1`, id).Scan(&one); errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("inbox: conversation %d: %w", id, ErrNotFound)
		}
	}
	return nil
}
