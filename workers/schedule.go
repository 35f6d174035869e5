package workers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
)

// TypeFire is the task that fires one schedule at its due time.
const TypeFire = "schedule:fire"

// Schedules is what firing schedules needs of the inbox.
type Schedules interface {
	GetSchedule(ctx context.Context, id int64) (schedule.Schedule, error)
	Fire(ctx context.Context, id int64, due time.Time, text string) (schedule.Fired, error)
	FailSchedule(ctx context.Context, id int64, reason error) error
	DueSchedules(ctx context.Context, before time.Time, limit int) ([]schedule.Schedule, error)
}

// Renderer renders a message template for a schedule; workers without one
// send the schedule's text as it is.
type Renderer interface {
	RenderSchedule(ctx context.Context, s schedule.Schedule, template string) (string, error)
}

type firePayload struct {
	ID  int64 `json:"id"`
	Due int64 `json:"due"` // unix microseconds: the due time this task is for
}

// fireLead is how much before its due time a schedule's task is released.
// asynq releases scheduled tasks by the second and an idle worker polls its
// queues once a second, so a task released on time could start up to two
// seconds late; released early, it waits in its worker for the exact time.
const fireLead = 2 * time.Second

// FireTask returns the task that fires schedule s at its due time. The
// TaskID holds the id and due time: enqueuing twice adds nothing, and a
// rescheduled schedule gets a new task while the old one finds the time
// changed and does nothing.
func FireTask(s schedule.Schedule) *asynq.Task {
	due := s.DueAt.UnixMicro()
	payload, _ := json.Marshal(firePayload{ID: s.ID, Due: due})
	queue := QueueDefault
	if s.Kind == schedule.ScheduleAttribute {
		queue = QueueBulk
	}
	return asynq.NewTask(TypeFire, payload, asynq.TaskID("fire:"+strconv.FormatInt(s.ID, 10)+":"+strconv.FormatInt(due, 10)),
		asynq.Queue(queue), asynq.ProcessAt(s.DueAt.Add(-fireLead)), asynq.MaxRetry(DeliveryRetries))
}

// EnqueueSchedule enqueues the firing of s at its due time; already
// enqueued is not an error.
func EnqueueSchedule(ctx context.Context, c *asynq.Client, s schedule.Schedule) error {
	if _, err := c.EnqueueContext(ctx, FireTask(s)); err != nil && !isConflict(err) {
		return fmt.Errorf("workers: enqueue schedule %d: %w", s.ID, err)
	}
	return nil
}

// firer fires schedules and hands what they produce on: a queued message
// to delivery, a follow-up's next step to the queue.
type firer struct {
	store  Schedules
	render Renderer
	client *asynq.Client
}

func (f *firer) ProcessTask(ctx context.Context, t *asynq.Task) error {
	var p firePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("fire: payload: %v: %w", err, asynq.SkipRetry)
	}
	s, err := f.store.GetSchedule(ctx, p.ID)
	if errors.Is(err, inbox.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	due := time.UnixMicro(p.Due)
	if s.State != "pending" || !s.DueAt.Equal(due) {
		return nil // fired, cancelled or rescheduled: nothing to do
	}
	// The task comes up to fireLead (plus asynq's second) early: wait for
	// the due time. One far too early goes back to retry.
	if early := time.Until(s.DueAt); early > 0 {
		if early > 5*time.Second {
			return fmt.Errorf("fire %d: %s early", s.ID, early.Round(time.Second))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(early):
		}
	}
	text, err := f.text(ctx, s)
	if err == nil {
		var fired schedule.Fired
		if fired, err = f.store.Fire(ctx, s.ID, due, text); err == nil && fired.Fired {
			f.handOn(ctx, fired)
		}
	}
	if err != nil && lastTry(ctx) {
		// Out of retries: say so on the schedule, visibly, rather than
		// leave it pending behind an archived task.
		if ferr := f.store.FailSchedule(ctx, s.ID, err); ferr != nil {
			return ferr
		}
		return fmt.Errorf("fire %d: %v: %w", s.ID, err, asynq.SkipRetry)
	}
	return err
}

// lastTry reports whether the running task has no retry left.
func lastTry(ctx context.Context) bool {
	retried, _ := asynq.GetRetryCount(ctx)
	max, _ := asynq.GetMaxRetry(ctx)
	return retried >= max
}

// handOn enqueues what a fired schedule produced: its message's delivery
// and a follow-up's next step. What fails to enqueue the reconciler picks
// up: both are stored.
func (f *firer) handOn(ctx context.Context, fired schedule.Fired) {
	if fired.MessageID != 0 {
		_ = EnqueueDelivery(ctx, f.client, fired.MessageID, fired.MessageQueue)
	}
	if fired.Next != nil {
		_ = EnqueueSchedule(ctx, f.client, *fired.Next)
	}
}

// text renders the schedule's template, if it has one.
func (f *firer) text(ctx context.Context, s schedule.Schedule) (string, error) {
	var p schedule.Payload
	if err := json.Unmarshal(s.Payload, &p); err != nil {
		return "", fmt.Errorf("fire %d: payload: %v: %w", s.ID, err, asynq.SkipRetry)
	}
	if p.Template == "" || f.render == nil {
		return p.Text, nil
	}
	return f.render.RenderSchedule(ctx, s, p.Template)
}

// ReconcileSchedules enqueues every pending schedule due before horizon;
// those still in Redis are left alone by their TaskID. It returns how
// many it enqueued anew.
func ReconcileSchedules(ctx context.Context, store Schedules, c *asynq.Client, horizon time.Time) (int, error) {
	ss, err := store.DueSchedules(ctx, horizon, 10000)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range ss {
		if _, err := c.EnqueueContext(ctx, FireTask(s)); err != nil {
			if isConflict(err) {
				continue
			}
			return n, fmt.Errorf("workers: reconcile schedule %d: %w", s.ID, err)
		}
		n++
	}
	return n, nil
}
