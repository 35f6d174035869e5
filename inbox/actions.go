package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/audit"
)

// act runs one agent action on a conversation in a transaction: the
// update, an audit event and a NOTIFY. sql updates the conversation $1 and
// must affect one row.
func (ib *Inbox) act(ctx context.Context, actor, conv int64, action string, data any,
	sql string, args ...any) error {
	err := pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, sql, append([]any{conv}, args...)...)
		if err != nil {
			return err
		}
		if ct.RowsAffected() == 0 {
			return fmt.Errorf("conversation %d: %w", conv, ErrNotFound)
		}
		err = audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: action, SubjectType: "conversation",
			SubjectID: conv, Data: data})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, NotifyChannel,
			event(Event{Type: "conversation.updated", ConversationID: conv}))
		return err
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return fmt.Errorf("inbox: %s: no such user or team: %w", action, ErrInvalid)
	}
	if err != nil {
		return fmt.Errorf("inbox: %s: %w", action, err)
	}
	return nil
}

// Assign gives a conversation to an agent; assignee 0 unassigns it. A
// deactivated user is refused.
func (ib *Inbox) Assign(ctx context.Context, actor, conv, assignee int64) error {
	if err := ib.assignable(ctx, assignee); err != nil {
		return err
	}
	return ib.act(ctx, actor, conv, audit.ActionAssign, audit.Assign{AssigneeID: assignee},
		`UPDATE conversations SET assignee_id = NULLIF($2, 0), updated_at = now() WHERE id = $1`, assignee)
}

// SetStatus changes a conversation's status. Snoozing needs a time in the
// future (until); resolving records the time; reopening clears both.
func (ib *Inbox) SetStatus(ctx context.Context, actor, conv int64, status string, until time.Time) error {
	switch status {
	case StatusOpen, StatusPending, StatusResolved:
		until = time.Time{}
	case StatusSnoozed:
		if !until.After(time.Now()) {
			return fmt.Errorf("inbox: snooze needs a time in the future: %w", ErrInvalid)
		}
	default:
		return fmt.Errorf("inbox: status %q: %w", status, ErrInvalid)
	}
	var untilArg *time.Time
	if !until.IsZero() {
		untilArg = &until
	}
	// A snooze schedules its wake-up (the workers' reconciler enqueues it);
	// any other status cancels a pending one.
	return ib.act(ctx, actor, conv, audit.ActionStatus, audit.Status{Status: status, Until: untilArg},
		`WITH cancel AS (UPDATE schedules SET state = 'cancelled'
				WHERE conversation_id = $1 AND kind = 'wake' AND state = 'pending'),
			wake AS (INSERT INTO schedules (kind, due_at, conversation_id, contact_id)
				SELECT 'wake', $3, id, contact_id FROM conversations WHERE id = $1 AND $3::timestamptz IS NOT NULL)
		UPDATE conversations SET status = $2, snoozed_until = $3,
			resolved_at = CASE WHEN $2 = 'resolved' THEN now() END, updated_at = now()
		WHERE id = $1`, status, untilArg)
}

// SetPriority changes a conversation's priority (none, low, medium, high
// or urgent).
func (ib *Inbox) SetPriority(ctx context.Context, actor, conv int64, priority string) error {
	switch priority {
	case "none", "low", "medium", "high", "urgent":
	default:
		return fmt.Errorf("inbox: priority %q: %w", priority, ErrInvalid)
	}
	return ib.act(ctx, actor, conv, "conversation.priority", map[string]any{"priority": priority},
		`UPDATE conversations SET priority = $2, updated_at = now() WHERE id = $1`, priority)
}

// Tag adds and removes tags of a conversation.
func (ib *Inbox) Tag(ctx context.Context, actor, conv int64, add, remove []string) error {
	add, remove = crm.CleanTags(add), crm.CleanTags(remove)
	return ib.act(ctx, actor, conv, "conversation.tag", map[string]any{"add": add, "remove": remove},
		`UPDATE conversations SET tags = ARRAY(SELECT DISTINCT t FROM unnest(tags || $2::text[]) t
			WHERE t <> ALL($3::text[]) ORDER BY t), updated_at = now() WHERE id = $1`, add, remove)
}

// AddNote adds a private note by an agent to a conversation's timeline and
// returns the note's message id. Notes are never sent to the customer.
func (ib *Inbox) AddNote(ctx context.Context, author, conv int64, text string) (int64, error) {
	text, _ = clean(strings.TrimSpace(text), ib.cfg.MaxBody)
	if text == "" {
		return 0, fmt.Errorf("inbox: empty note: %w", ErrInvalid)
	}
	var id int64
	err := pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO messages (conversation_id, direction, kind, author_id, body, status)
			VALUES ($1, 'out', 'note', NULLIF($2, 0), $3, 'sent') RETURNING id`, conv, author, text).Scan(&id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, NotifyChannel,
			event(Event{Type: "message.created", ConversationID: conv, MessageID: id}))
		return err
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return 0, fmt.Errorf("inbox: add note: conversation %d or user %d: %w", conv, author, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("inbox: add note: %w", err)
	}
	return id, nil
}
