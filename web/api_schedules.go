package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/workers"
)

// listSchedules returns a conversation's schedules (?conversation=id) or,
// without it, the caller's own reminders, soonest first.
func (s *Server) listSchedules(w http.ResponseWriter, r *http.Request) {
	var conv, user int64
	var err error
	if v := r.URL.Query().Get("conversation"); v != "" {
		conv, err = parseID("conversation", v)
	} else {
		user = userOf(r).ID
	}
	var ss []schedule.Schedule
	if err == nil {
		ss, err = s.scoped(r).Schedules(r.Context(), conv, user)
	}
	s.respond(w, http.StatusOK, map[string]any{"schedules": ss}, err)
}

// scheduleBody is what POST /api/v1/schedules takes.
type scheduleBody struct {
	Kind           string    `json:"kind"`
	DueAt          time.Time `json:"due_at"`
	ConversationID int64     `json:"conversation_id"`
	UserID         int64     `json:"user_id"`
	Text           string    `json:"text"`
	Template       string    `json:"template"`
	ChannelID      int64     `json:"channel_id"`
	Interval       string    `json:"interval"`
	Nudges         int       `json:"nudges"`
}

// schedule returns the NewSchedule b asks for, made by user.
func (b scheduleBody) schedule(user int64) (schedule.NewSchedule, error) {
	switch b.Kind {
	case schedule.ScheduleReminder, schedule.ScheduleMessage, schedule.ScheduleFollowup:
	default:
		return schedule.NewSchedule{}, fmt.Errorf("kind %q (want reminder, message or followup): %w", b.Kind, crm.ErrInvalid)
	}
	if !b.DueAt.After(time.Now()) {
		return schedule.NewSchedule{}, fmt.Errorf("due_at must be in the future: %w", crm.ErrInvalid)
	}
	ns := schedule.NewSchedule{Kind: b.Kind, DueAt: b.DueAt, ConversationID: b.ConversationID, UserID: b.UserID,
		CreatedBy: user, Payload: schedule.Payload{Text: b.Text, Template: b.Template, ChannelID: b.ChannelID, Nudges: b.Nudges}}
	if b.Interval != "" {
		d, err := time.ParseDuration(b.Interval)
		if err != nil || d <= 0 {
			return schedule.NewSchedule{}, fmt.Errorf("interval %q: want a duration like 48h: %w", b.Interval, crm.ErrInvalid)
		}
		ns.Payload.Interval = d
	}
	if ns.Kind == schedule.ScheduleReminder && ns.UserID == 0 {
		ns.UserID = user // a reminder is for its author unless it names someone
	}
	return ns, nil
}

// createSchedule adds a reminder, scheduled message or follow-up and
// enqueues its firing.
func (s *Server) createSchedule(w http.ResponseWriter, r *http.Request) {
	var in scheduleBody
	err := decode(r, &in)
	var ns schedule.NewSchedule
	if err == nil {
		ns, err = in.schedule(userOf(r).ID)
	}
	var sc schedule.Schedule
	if err == nil {
		sc, err = s.scoped(r).AddSchedule(r.Context(), ns)
	}
	if err == nil {
		s.enqueueSchedule(r, sc)
	}
	s.respond(w, http.StatusCreated, sc, err)
}

// reschedule moves a pending or failed schedule to a new due time.
func (s *Server) reschedule(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var in struct {
		DueAt time.Time `json:"due_at"`
	}
	if err == nil {
		err = decode(r, &in)
	}
	if err == nil && !in.DueAt.After(time.Now()) {
		err = fmt.Errorf("due_at must be in the future: %w", crm.ErrInvalid)
	}
	var sc schedule.Schedule
	if err == nil {
		sc, err = s.scoped(r).Reschedule(r.Context(), id, in.DueAt)
	}
	if err == nil {
		s.enqueueSchedule(r, sc)
	}
	s.respond(w, http.StatusOK, sc, err)
}

// cancelSchedule cancels a pending schedule.
func (s *Server) cancelSchedule(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.scoped(r).CancelSchedule(r.Context(), id)
	}
	s.respond(w, http.StatusNoContent, nil, err)
}

// enqueueSchedule enqueues a schedule's firing; on failure the reconciler
// enqueues it later, so the error is only logged.
func (s *Server) enqueueSchedule(r *http.Request, sc schedule.Schedule) {
	if s.Queue == nil {
		s.log.Warn("no queue: the schedule waits for the reconciler", "schedule_id", sc.ID)
		return
	}
	if err := workers.EnqueueSchedule(r.Context(), s.Queue, sc); err != nil {
		s.log.Warn("enqueue schedule failed; the reconciler retries", "schedule_id", sc.ID, "err", err)
	}
}
