package inbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
)

// Delivery is a stored outbound message as a sender needs it.
type Delivery struct {
	Status         string
	Attempts       int
	ConversationID int64
	Message        channels.Outbound
}

// Delivery loads outbound message id for sending: recipient, text or
// template, threading headers, attachments with their content, and when
// the customer last wrote on the channel (Outbound.LastInbound).
func (ib *Inbox) Delivery(ctx context.Context, id int64) (Delivery, error) {
	var d Delivery
	var msgID, inReplyTo, token string
	var channel *int64
	var refs []string
	m := &d.Message
	err := ib.pool.QueryRow(ctx, `SELECT m.status, m.attempts, m.channel_id, `+identityKind("m.identity")+`,
			`+identityValue("m.identity")+`, m.body, m.html,
			m.subject, coalesce(m.message_id, ''), coalesce(m.in_reply_to, ''), m.refs, c.reply_token, c.ref, c.id, m.template
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.id = $1 AND m.direction = 'out' AND m.kind <> 'note'`, id).
		Scan(&d.Status, &d.Attempts, &channel, &m.To.Kind, &m.To.Value, &m.Text, &m.HTML, &m.Subject, &msgID, &inReplyTo, &refs, &token, &m.Ref, &d.ConversationID, &m.Template)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("inbox: outbound message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("inbox: outbound message %d: %w", id, err)
	}
	if channel == nil {
		return d, fmt.Errorf("inbox: outbound message %d has no channel: %w", id, ErrInvalid)
	}
	m.MessageID, m.ChannelID = id, *channel
	m.Thread = channels.Thread{MessageID: msgID, InReplyTo: inReplyTo, References: refs, ReplyToken: token, Subject: m.Subject}
	if m.Thread.InReplyTo == "" {
		// Chat replies answer the customer's latest message on the channel.
		err = ib.pool.QueryRow(ctx, `SELECT coalesce(external_id, '') FROM messages
			WHERE conversation_id = (SELECT conversation_id FROM messages WHERE id = $1)
				AND channel_id = $2 AND direction = 'in' ORDER BY id DESC LIMIT 1`, id, *channel).Scan(&m.Thread.InReplyTo)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return d, fmt.Errorf("inbox: outbound message %d: %w", id, err)
		}
	}
	// A kind with a reply window (WhatsApp) counts from the customer's last message on the channel.
	if m.LastInbound, err = lastInbound(ctx, ib.pool, d.ConversationID, *channel); err != nil {
		return d, fmt.Errorf("inbox: outbound message %d: last inbound: %w", id, err)
	}
	rows, _ := ib.pool.Query(ctx, `SELECT ma.name, ma.content_type, ma.content_id, ma.url, coalesce(a.data, '')
		FROM message_attachments ma LEFT JOIN attachments a ON a.sha256 = ma.sha256
		WHERE ma.message_id = $1 ORDER BY ma.position`, id)
	var a channels.Attachment
	_, err = pgx.ForEachRow(rows, []any{&a.Name, &a.ContentType, &a.ContentID, &a.URL, &a.Data}, func() error {
		m.Attachments = append(m.Attachments, a)
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("inbox: attachments of %d: %w", id, err)
	}
	return d, nil
}

// MarkSent records a successful send and the provider's id for it.
func (ib *Inbox) MarkSent(ctx context.Context, id int64, externalID string) error {
	return ib.mark(ctx, id, `UPDATE messages SET status = 'sent', status_at = now(), attempts = attempts + 1,
		external_id = COALESCE(NULLIF($2, ''), external_id), error = ''
		WHERE id = $1 AND status = 'queued'`, externalID)
}

// MarkAttempt records a failed send. When final, the message is marked
// failed, visibly to the agent; otherwise it stays queued for a retry.
func (ib *Inbox) MarkAttempt(ctx context.Context, id int64, sendErr error, final bool) error {
	msg, _ := clean(sendErr.Error(), 2000)
	return ib.mark(ctx, id, `UPDATE messages SET attempts = attempts + 1, error = $2,
		status = CASE WHEN $3 THEN 'failed' ELSE status END,
		status_at = CASE WHEN $3 THEN now() ELSE status_at END
		WHERE id = $1 AND status = 'queued'`, msg, final)
}

func (ib *Inbox) mark(ctx context.Context, id int64, sql string, args ...any) error {
	err := pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		var conv int64
		err := tx.QueryRow(ctx, sql+` RETURNING conversation_id`, append([]any{id}, args...)...).Scan(&conv)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // already sent or failed: nothing to change
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, NotifyChannel,
			event(Event{Type: "message.updated", ConversationID: conv, MessageID: id}))
		return err
	})
	if err != nil {
		return fmt.Errorf("inbox: mark message %d: %w", id, err)
	}
	return nil
}

// QueuedMessage is an outbound message waiting to be sent and the queue
// its delivery goes on.
type QueuedMessage struct {
	ID    int64
	Queue string
}

// Queued returns the outbound messages still waiting to be sent, oldest
// first, for the reconciler to re-enqueue.
func (ib *Inbox) Queued(ctx context.Context, limit int) ([]QueuedMessage, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT id, queue FROM messages WHERE status = 'queued' ORDER BY id LIMIT $1`, limit)
	qs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[QueuedMessage])
	if err != nil {
		return nil, fmt.Errorf("inbox: queued messages: %w", err)
	}
	return qs, nil
}
