package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/inbox/audit"
)

// Fired is what firing a schedule did.
type Fired struct {
	// Fired is false when the schedule was not pending at that due time:
	// another worker fired it, or it was cancelled or rescheduled.
	Fired    bool
	Schedule Schedule
	// MessageID is a queued message to deliver, or 0, on MessageQueue.
	MessageID    int64
	MessageQueue string
	// Next is a follow-up's next step, to enqueue, or nil.
	Next *Schedule
}

// Fire performs schedule id if it is still pending for the due time its
// task was enqueued with: in one transaction the schedule moves to done
// and its action happens, so a schedule fires exactly once however many
// workers try. text is the rendered message of message, attribute and
// follow-up schedules (the workers render templates).
func (bk *Book) Fire(ctx context.Context, id int64, due time.Time, text string) (Fired, error) {
	var f Fired
	err := pgx.BeginFunc(ctx, bk.pool, func(tx pgx.Tx) error {
		f = Fired{}
		rows, _ := tx.Query(ctx, `UPDATE schedules SET state = 'done', fired_at = now()
			WHERE id = $1 AND state = 'pending' AND due_at = $2 RETURNING `+scheduleColumns, id, due.UTC())
		s, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Schedule])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		f.Fired, f.Schedule = true, s
		var p Payload
		if err := json.Unmarshal(s.Payload, &p); err != nil {
			return fmt.Errorf("payload: %w", err)
		}
		switch s.Kind {
		case ScheduleReminder:
			return bk.remind(ctx, tx, s, p)
		case ScheduleWake:
			return bk.note(ctx, tx, s, `UPDATE conversations SET status = 'open', snoozed_until = NULL,
				updated_at = now() WHERE id = $1 AND status = 'snoozed'`, "Snooze ended: conversation reopened",
				&Text{Key: TextSnoozeEnded})
		case ScheduleMessage, ScheduleAttribute:
			f.MessageID, f.MessageQueue, err = bk.sendScheduled(ctx, tx, s, p, text)
			return err
		case ScheduleFollowup:
			return bk.followUp(ctx, tx, s, p, text, &f)
		}
		return fmt.Errorf("unknown schedule kind %q", s.Kind)
	})
	if err != nil {
		return Fired{}, fmt.Errorf("schedule: fire schedule %d: %w", id, err)
	}
	return f, nil
}

// remind notifies the reminder's agent, else the conversation's assignee,
// else the members of the conversation's team, else those of its
// channel's team (the team it routes to, else its config's team_id), else the admins, so
// that someone is told; and puts the reminder on the conversation's
// timeline.
//
// The body is the English line, for API clients; what the reminder says is
// also stored as a key and arguments (reminderText) that the agent UI
// renders in the reader's language.
func (bk *Book) remind(ctx context.Context, tx pgx.Tx, s Schedule, p Payload) error {
	body := "Reminder: " + p.Text
	say := reminderText(p)
	if _, err := tx.Exec(ctx, remindSQL, s.UserID, s.ConversationID, body, say); err != nil {
		return err
	}
	if s.ConversationID == nil {
		return nil
	}
	return bk.convs.Note(ctx, tx, *s.ConversationID, body, &say)
}

// remindSQL notifies the first of these that has anyone active: the
// reminder's agent $1, the assignee of the conversation $2, the members
// of its team, the members of its channel's team, the admins; $3 is the
// text, $4 its key and arguments (Text).
const remindSQL = `WITH c AS (
		SELECT c.assignee_id, c.team_id, COALESCE(ch.team_id, CASE WHEN ch.config->>'team_id' ~ '^[0-9]{1,18}$'
			THEN (ch.config->>'team_id')::bigint END) AS channel_team
		FROM conversations c LEFT JOIN channels ch ON ch.id = c.channel_id WHERE c.id = $2
	), who AS (
		SELECT 1 AS rank, id FROM users WHERE id = COALESCE($1::bigint, (SELECT assignee_id FROM c)) AND active
		UNION ALL SELECT 2, m.user_id FROM team_members m JOIN users u ON u.id = m.user_id AND u.active
			WHERE m.team_id = (SELECT team_id FROM c)
		UNION ALL SELECT 3, m.user_id FROM team_members m JOIN users u ON u.id = m.user_id AND u.active
			WHERE m.team_id = (SELECT channel_team FROM c)
		UNION ALL SELECT 4, id FROM users WHERE role = 'admin' AND active
	)
	INSERT INTO notifications (user_id, conversation_id, kind, body, i18n)
	SELECT id, $2, 'reminder', $3, $4 FROM who WHERE rank = (SELECT min(rank) FROM who) ORDER BY id`

// note runs sql on the schedule's conversation and, when it changed
// something, notes it on the timeline: text in English, say as a key and
// arguments.
func (bk *Book) note(ctx context.Context, tx pgx.Tx, s Schedule, sql, text string, say *Text) error {
	ct, err := tx.Exec(ctx, sql, s.ConversationID)
	if err != nil || ct.RowsAffected() == 0 {
		return err
	}
	return bk.convs.Note(ctx, tx, *s.ConversationID, text, say)
}

// sendScheduled queues the schedule's message on its conversation; an
// attribute message without one uses the contact's latest conversation on
// the channel, or starts one.
func (bk *Book) sendScheduled(ctx context.Context, tx pgx.Tx, s Schedule, p Payload, text string) (int64, string, error) {
	if text == "" {
		text = p.Text
	}
	m := Message{ChannelID: p.ChannelID, Text: text, Queue: "default"}
	if s.ConversationID != nil {
		m.ConversationID = *s.ConversationID
	}
	if s.ContactID != nil {
		m.ContactID = *s.ContactID
	}
	if s.Kind == ScheduleAttribute {
		m.Queue = "bulk"
	}
	id, err := bk.convs.Send(ctx, tx, m)
	return id, m.Queue, err
}

// followUp sends a nudge and schedules the next step, or resolves the
// conversation after the last nudge. A customer who replied since the
// follow-up began has ended it.
func (bk *Book) followUp(ctx context.Context, tx pgx.Tx, s Schedule, p Payload, text string, f *Fired) error {
	var replied bool
	err := tx.QueryRow(ctx, `SELECT COALESCE(last_inbound_at > $2, false) FROM conversations WHERE id = $1`,
		s.ConversationID, s.CreatedAt).Scan(&replied)
	if err != nil || replied {
		return err
	}
	if p.Step > p.Nudges {
		// The resolve is the system's, audited as an agent's would be:
		// the reports count closes and the backlog from these events.
		return bk.note(ctx, tx, s, `WITH resolved AS (UPDATE conversations SET status = 'resolved',
				resolved_at = now(), updated_at = now() WHERE id = $1 AND status <> 'resolved' RETURNING id)
			INSERT INTO audit_events (action, subject_type, subject_id, data)
			SELECT '`+audit.ActionStatus+`', 'conversation', id, `+audit.Literal(audit.Status{Status: "resolved"})+` FROM resolved`,
			fmt.Sprintf("No reply after %d follow-ups: resolved", p.Nudges),
			&Text{Key: TextFollowupsResolved, Args: map[string]string{"n": strconv.Itoa(p.Nudges)}})
	}
	if f.MessageID, f.MessageQueue, err = bk.sendScheduled(ctx, tx, s, p, text); err != nil {
		return err
	}
	next := p
	next.Step++
	payload, _ := json.Marshal(next)
	rows, _ := tx.Query(ctx, `INSERT INTO schedules (kind, due_at, conversation_id, contact_id, user_id, payload)
		VALUES ('followup', now() + make_interval(secs => $2), $1, $3, $4, $5) RETURNING `+scheduleColumns,
		s.ConversationID, p.Interval.Seconds(), s.ContactID, s.UserID, payload)
	n, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Schedule])
	if err != nil {
		return err
	}
	f.Next = &n
	return nil
}
