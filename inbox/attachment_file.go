package inbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// AttachmentFile is a stored attachment with its content, for download.
type AttachmentFile struct {
	ConversationID int64
	Name           string
	ContentType    string
	Data           []byte
}

// Attachment returns the attachment at position of message, with its
// content. An attachment the provider keeps (a URL, no stored content) is
// ErrNotFound like a missing one.
func (ib *Inbox) Attachment(ctx context.Context, message int64, position int) (AttachmentFile, error) {
	var f AttachmentFile
	err := ib.pool.QueryRow(ctx, `SELECT m.conversation_id, ma.name, coalesce(nullif(ma.content_type, ''), a.content_type), a.data
		FROM message_attachments ma JOIN messages m ON m.id = ma.message_id
		JOIN attachments a ON a.sha256 = ma.sha256
		WHERE ma.message_id = $1 AND ma.position = $2`, message, position).
		Scan(&f.ConversationID, &f.Name, &f.ContentType, &f.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("inbox: attachment %d/%d: %w", message, position, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("inbox: attachment %d/%d: %w", message, position, err)
	}
	return f, nil
}

// Message returns one message.
func (ib *Inbox) Message(ctx context.Context, id int64) (Message, error) {
	rows, _ := ib.pool.Query(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id)
	m, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Message])
	if errors.Is(err, pgx.ErrNoRows) {
		return Message{}, fmt.Errorf("inbox: message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Message{}, fmt.Errorf("inbox: message %d: %w", id, err)
	}
	return m, nil
}
