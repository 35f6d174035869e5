package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Schedule kinds.
const (
	// ScheduleReminder notifies an agent at the due time («call this
	// customer back tomorrow at 10:00»).
	ScheduleReminder = "reminder"
	// ScheduleMessage sends a message to the customer at the due time.
	ScheduleMessage = "message"
	// ScheduleFollowup nudges a customer who has not replied, and resolves
	// the conversation after the last nudge. A customer reply cancels it.
	ScheduleFollowup = "followup"
	// ScheduleWake reopens a snoozed conversation.
	ScheduleWake = "wake"
	// ScheduleAttribute is a message generated from a contact attribute
	// date (a warranty's end).
	ScheduleAttribute = "attribute"
)

// Schedule is a reminder, scheduled message, follow-up or wake-up.
type Schedule struct {
	ID             int64           `json:"id"`
	Kind           string          `json:"kind"`
	State          string          `json:"state"`
	DueAt          time.Time       `json:"due_at"`
	ConversationID *int64          `json:"conversation_id"`
	ContactID      *int64          `json:"contact_id"`
	UserID         *int64          `json:"user_id"`
	Payload        json.RawMessage `json:"payload"`
	CreatedAt      time.Time       `json:"created_at"`
	FiredAt        *time.Time      `json:"fired_at"`
	Error          string          `json:"error"`
}

const scheduleColumns = `id, kind, state, due_at, conversation_id, contact_id, user_id, payload, created_at, fired_at, error`

// Payload is what a schedule carries, by kind.
type Payload struct {
	// Text is a reminder's note or a message's text. A call back's is its
	// English line (Reminder says what it is).
	Text string `json:"text,omitempty"`
	// Reminder, on a call-back reminder, is what it says as a catalogue
	// key and arguments (TextReminderCallback), rendered in the reader's
	// language when it fires.
	Reminder *Text `json:"reminder,omitempty"`
	// Template names a message template rendered at the due time.
	Template string `json:"template,omitempty"`
	// ChannelID sends on another channel than the conversation's.
	ChannelID int64 `json:"channel_id,omitempty"`
	// Follow-ups: Interval between nudges, Nudges in all, Step is this one
	// (1-based); the step after the last resolves the conversation.
	Interval time.Duration `json:"interval,omitempty"`
	Nudges   int           `json:"nudges,omitempty"`
	Step     int           `json:"step,omitempty"`
}

// NewSchedule is what Schedule creates.
type NewSchedule struct {
	Kind           string
	DueAt          time.Time
	ConversationID int64
	ContactID      int64
	UserID         int64
	Payload        Payload
	// Dedupe, when set, makes the schedule unique: a second one with the
	// same key is not created (ErrConflict).
	Dedupe    string
	CreatedBy int64
}

// AddSchedule stores a new pending schedule and returns it; the caller
// enqueues its firing (workers.EnqueueSchedule).
func (bk *Book) AddSchedule(ctx context.Context, ns NewSchedule) (Schedule, error) {
	if err := ns.validate(); err != nil {
		return Schedule{}, err
	}
	payload, _ := json.Marshal(ns.Payload)
	rows, _ := bk.pool.Query(ctx, `INSERT INTO schedules (kind, due_at, conversation_id, contact_id, user_id,
			payload, dedupe, created_by)
		VALUES ($1, $2, NULLIF($3, 0), COALESCE(NULLIF($4, 0), (SELECT contact_id FROM conversations WHERE id = $3)),
			NULLIF($5, 0), $6, NULLIF($7, ''), NULLIF($8, 0))
		RETURNING `+scheduleColumns, ns.Kind, ns.DueAt.UTC(), ns.ConversationID, ns.ContactID, ns.UserID,
		payload, ns.Dedupe, ns.CreatedBy)
	s, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Schedule])
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return Schedule{}, fmt.Errorf("schedule: schedule %q exists: %w", ns.Dedupe, ErrConflict)
	}
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return Schedule{}, fmt.Errorf("schedule: schedule: no such conversation, contact or user: %w", ErrInvalid)
	}
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule: add schedule: %w", err)
	}
	return s, nil
}

func (ns NewSchedule) validate() error {
	bad := func(why string) error { return fmt.Errorf("schedule: schedule: %s: %w", why, ErrInvalid) }
	switch ns.Kind {
	case ScheduleReminder:
		if ns.ConversationID == 0 && ns.UserID == 0 {
			return bad("a reminder needs a conversation or an agent")
		}
	case ScheduleMessage, ScheduleFollowup, ScheduleWake:
		if ns.ConversationID == 0 {
			return bad(ns.Kind + " needs a conversation")
		}
	case ScheduleAttribute:
		if ns.ContactID == 0 || ns.Payload.ChannelID == 0 {
			return bad("an attribute message needs a contact and a channel")
		}
	default:
		return bad(fmt.Sprintf("kind %q", ns.Kind))
	}
	if ns.DueAt.IsZero() {
		return bad("no due time")
	}
	if (ns.Kind == ScheduleMessage || ns.Kind == ScheduleAttribute) && ns.Payload.Text == "" && ns.Payload.Template == "" {
		return bad("a message needs a text or a template")
	}
	if ns.Kind == ScheduleFollowup && (ns.Payload.Interval <= 0 || ns.Payload.Nudges <= 0 || ns.Payload.Template == "" && ns.Payload.Text == "") {
		return bad("a follow-up needs an interval, a number of nudges and a text or template")
	}
	return nil
}

// GetSchedule returns one schedule.
func (bk *Book) GetSchedule(ctx context.Context, id int64) (Schedule, error) {
	rows, _ := bk.pool.Query(ctx, `SELECT `+scheduleColumns+` FROM schedules WHERE id = $1`, id)
	s, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Schedule])
	if errors.Is(err, pgx.ErrNoRows) {
		return s, fmt.Errorf("schedule: schedule %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("schedule: schedule %d: %w", id, err)
	}
	return s, nil
}

// CancelSchedule cancels a pending schedule.
func (bk *Book) CancelSchedule(ctx context.Context, id int64) error {
	_, err := bk.changePending(ctx, id, `UPDATE schedules SET state = 'cancelled' WHERE id = $1 AND state = 'pending'
		RETURNING `+scheduleColumns)
	return err
}

// Reschedule moves a pending (or failed) schedule to a new due time and
// returns it; the caller enqueues it again (the old task finds the time
// changed and does nothing).
func (bk *Book) Reschedule(ctx context.Context, id int64, due time.Time) (Schedule, error) {
	if due.IsZero() {
		return Schedule{}, fmt.Errorf("schedule: reschedule: no due time: %w", ErrInvalid)
	}
	return bk.changePending(ctx, id, `UPDATE schedules SET due_at = $2, state = 'pending', error = ''
		WHERE id = $1 AND state IN ('pending', 'failed') RETURNING `+scheduleColumns, due.UTC())
}

func (bk *Book) changePending(ctx context.Context, id int64, sql string, args ...any) (Schedule, error) {
	rows, _ := bk.pool.Query(ctx, sql, append([]any{id}, args...)...)
	s, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Schedule])
	if errors.Is(err, pgx.ErrNoRows) {
		if _, gerr := bk.GetSchedule(ctx, id); gerr != nil {
			return s, gerr
		}
		return s, fmt.Errorf("schedule: schedule %d is no longer pending: %w", id, ErrConflict)
	}
	if err != nil {
		return s, fmt.Errorf("schedule: schedule %d: %w", id, err)
	}
	return s, nil
}

// DueSchedules returns pending schedules due before t, soonest first, for
// the reconciler.
func (bk *Book) DueSchedules(ctx context.Context, before time.Time, limit int) ([]Schedule, error) {
	rows, _ := bk.pool.Query(ctx, `SELECT `+scheduleColumns+` FROM schedules
		WHERE state = 'pending' AND due_at < $1 ORDER BY due_at LIMIT $2`, before, limit)
	ss, err := pgx.CollectRows(rows, pgx.RowToStructByName[Schedule])
	if err != nil {
		return nil, fmt.Errorf("schedule: due schedules: %w", err)
	}
	return ss, nil
}

// Schedules lists a conversation's schedules, or an agent's reminders
// when conversation is 0, newest due last.
func (bk *Book) Schedules(ctx context.Context, conversation, user int64) ([]Schedule, error) {
	rows, _ := bk.pool.Query(ctx, `SELECT `+scheduleColumns+` FROM schedules
		WHERE ($1 = 0 OR conversation_id = $1) AND ($2 = 0 OR user_id = $2) ORDER BY due_at, id`, conversation, user)
	ss, err := pgx.CollectRows(rows, pgx.RowToStructByName[Schedule])
	if err != nil {
		return nil, fmt.Errorf("schedule: schedules: %w", err)
	}
	return ss, nil
}

// FailSchedule marks a pending schedule failed with the reason, when its
// firing failed through every retry; rescheduling it tries again.
func (bk *Book) FailSchedule(ctx context.Context, id int64, reason error) error {
	msg := cleanText(reason.Error(), 2000)
	if _, err := bk.pool.Exec(ctx, `UPDATE schedules SET state = 'failed', error = $2
		WHERE id = $1 AND state = 'pending'`, id, msg); err != nil {
		return fmt.Errorf("schedule: fail schedule %d: %w", id, err)
	}
	return nil
}
