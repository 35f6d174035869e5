package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
)

var _ channels.Updater = (*Inbox)(nil)

// statusRank orders delivery statuses so a late report never moves a
// message back: a "sent" that arrives after "delivered" is ignored.
const statusRank = `CASE %s WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'failed' THEN 2 ELSE -1 END`

// Update applies delivery reports, bounces and edits to stored messages,
// in one transaction, and returns how many matched a message. Updates for
// messages we do not have are ignored.
func (ib *Inbox) Update(ctx context.Context, updates []channels.Update) (int, error) {
	applied := 0
	err := pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		applied = 0
		b := &pgx.Batch{}
		for _, u := range updates {
			if err := queueUpdate(b, u, &applied); err != nil {
				return err
			}
		}
		return tx.SendBatch(ctx, b).Close()
	})
	noteUpdate(ctx, updates, err)
	if err != nil {
		return 0, fmt.Errorf("inbox: update messages: %w", err)
	}
	return applied, nil
}

func queueUpdate(b *pgx.Batch, u channels.Update, applied *int) error {
	switch u.Status {
	case "", channels.StatusSent, channels.StatusDelivered, channels.StatusFailed:
	default:
		return fmt.Errorf("update of %q: status %q: %w", u.ExternalID, u.Status, ErrInvalid)
	}
	if u.ExternalID == "" && u.MessageID == "" {
		return fmt.Errorf("update on channel %d names no message: %w", u.ChannelID, ErrInvalid)
	}
	at := u.At
	if at.IsZero() {
		at = time.Now()
	}
	text, _ := clean(u.Text, 1<<20)
	errText, _ := clean(u.Error, 2000)
	where := `m.channel_id = $1 AND m.external_id = $2`
	key := u.ExternalID
	if u.ExternalID == "" {
		where = `m.channel_id = $1 AND m.message_id = $2 AND m.direction = 'out'`
		key = cleanID(u.MessageID)
	}
	advance := `$3 <> '' AND ` + fmt.Sprintf(statusRank, "$3") + ` > ` + fmt.Sprintf(statusRank, "m.status")
	b.Queue(`WITH hit AS (
			UPDATE messages m SET
				status = CASE WHEN `+advance+` THEN $3 ELSE m.status END,
				status_at = CASE WHEN `+advance+` THEN $4 ELSE m.status_at END,
				error = CASE WHEN $3 = 'failed' AND $5 <> '' THEN $5 ELSE m.error END,
				body = CASE WHEN $6 THEN $7 ELSE m.body END,
				edited_at = CASE WHEN $6 THEN $4 ELSE m.edited_at END
			WHERE `+where+`
			RETURNING m.id, m.conversation_id),
		notified AS (SELECT pg_notify($8, json_build_object('type', 'message.updated',
			'message_id', id, 'conversation_id', conversation_id)::text) FROM hit)
		SELECT count(*) FROM notified`,
		u.ChannelID, key, u.Status, at, errText, u.Edited, text, NotifyChannel).QueryRow(func(row pgx.Row) error {
		var n int
		if err := row.Scan(&n); err != nil {
			return err
		}
		*applied += n
		return nil
	})
	return nil
}
