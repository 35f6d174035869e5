package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/crm"
)

// ContactDetail is a contact as its panel shows it: identities, tags and
// attributes (crm.Contact), its conversations and the merges into it that
// can be undone.
type ContactDetail struct {
	crm.Contact
	// Conversations are the contact's latest 100 conversations of every
	// status, the latest message first.
	Conversations []ConversationItem `json:"conversations"`
	Merges        []MergeInfo        `json:"merges"`
}

// MergeInfo is a merge into a contact that Unmerge (crm.Store.Unmerge) can
// undo.
type MergeInfo struct {
	ID         int64     `json:"id"`
	SourceID   int64     `json:"source_id"`
	SourceName string    `json:"source_name"`
	CreatedAt  time.Time `json:"created_at"`
}

// ContactDetail returns a contact with its conversations and merges. A
// contact merged into another gives the one it was merged into.
func (ib *Inbox) ContactDetail(ctx context.Context, id int64) (ContactDetail, error) {
	live, err := ib.LiveContact(ctx, id)
	if err != nil {
		return ContactDetail{}, err
	}
	c, err := crm.NewStore(ib.pool).Get(ctx, live)
	if err != nil {
		return ContactDetail{}, err
	}
	d := ContactDetail{Contact: c}
	rows, _ := ib.pool.Query(ctx, `SELECT `+itemColumns+` FROM (SELECT * FROM conversations
			WHERE contact_id = $1 ORDER BY last_message_at DESC, id DESC LIMIT 100) c`+itemJoins+`
		ORDER BY c.last_message_at DESC, c.id DESC`, live)
	if d.Conversations, err = pgx.CollectRows(rows, pgx.RowToStructByName[ConversationItem]); err != nil {
		return ContactDetail{}, fmt.Errorf("inbox: conversations of contact %d: %w", live, err)
	}
	for i := range d.Conversations {
		d.Conversations[i].Preview = preview(d.Conversations[i].Preview)
	}
	rows, _ = ib.pool.Query(ctx, `SELECT m.id, m.source_id, s.name AS source_name, m.created_at
		FROM contact_merges m JOIN contacts s ON s.id = m.source_id
		WHERE m.target_id = $1 AND m.undone_at IS NULL ORDER BY m.id DESC`, live)
	if d.Merges, err = pgx.CollectRows(rows, pgx.RowToStructByName[MergeInfo]); err != nil {
		return ContactDetail{}, fmt.Errorf("inbox: merges into contact %d: %w", live, err)
	}
	return d, nil
}
