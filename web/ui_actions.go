package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/workers"
)

// The conversation forms post here; each calls the inbox function the API
// calls too, then redirects back to the conversation (post/redirect/get).

// convAction wraps an action on conversation {id}: it runs do with the
// conversation id, shows an error page when it fails and otherwise goes
// back to the conversation.
func (u *ui) convAction(do func(ctx context.Context, r *http.Request, conv int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conv, err := pathID(r)
		if err == nil {
			err = do(r.Context(), r, conv)
		}
		if err != nil {
			u.fail(w, r, err)
			return
		}
		back(w, r, fmt.Sprintf("/conversations/%d", conv))
	}
}

// reply is POST /conversations/{id}/reply: text, channel (0 or empty
// for the conversation's own), or instead of text an approved template
// (template_name, template_language, template_params one per line). The
// reply is stored queued and handed to the delivery worker; should Redis
// be unreachable, the reconciler enqueues it later.
func (u *ui) reply(ctx context.Context, r *http.Request, conv int64) error {
	channel, err := formInt(r, "channel")
	if err != nil {
		return err
	}
	rep := inbox.Reply{ConversationID: conv, AuthorID: userOf(r).ID, ChannelID: channel, Text: r.FormValue("text")}
	if name := r.FormValue("template_name"); name != "" {
		rep.Template = &channels.Template{Name: name, Language: r.FormValue("template_language")}
		for p := range strings.Lines(r.FormValue("template_params")) {
			if p = strings.TrimSpace(p); p != "" {
				rep.Template.Params = append(rep.Template.Params, p)
			}
		}
	}
	_, err = workers.SendReply(ctx, u.scoped(r), u.Queue, u.log, rep)
	return err
}

// note is POST /conversations/{id}/note: a private note (text).
func (u *ui) note(ctx context.Context, r *http.Request, conv int64) error {
	_, err := u.scoped(r).AddNote(ctx, conv, r.FormValue("text"))
	return err
}

// assign is POST /conversations/{id}/assign: assignee (a user id, 0 for
// nobody).
func (u *ui) assign(ctx context.Context, r *http.Request, conv int64) error {
	to, err := formInt(r, "assignee")
	if err != nil {
		return err
	}
	return u.scoped(r).Assign(ctx, conv, to)
}

// status is POST /conversations/{id}/status: status, and until (a local
// date and time) to snooze; a status with an until time snoozes.
func (u *ui) status(ctx context.Context, r *http.Request, conv int64) error {
	until, err := formTime(r, "until", u.loc)
	if err != nil {
		return err
	}
	status := strings.TrimSpace(r.FormValue("status"))
	if !until.IsZero() {
		status = inbox.StatusSnoozed
	}
	return u.scoped(r).SetStatus(ctx, conv, status, until)
}

// priority is POST /conversations/{id}/priority: priority.
func (u *ui) priority(ctx context.Context, r *http.Request, conv int64) error {
	return u.scoped(r).SetPriority(ctx, conv, strings.TrimSpace(r.FormValue("priority")))
}

// remind is POST /conversations/{id}/remind: at (a local date and time)
// and an optional text; it schedules a reminder for the caller.
func (u *ui) remind(ctx context.Context, r *http.Request, conv int64) error {
	at, err := formTime(r, "at", u.loc)
	if err != nil {
		return err
	}
	if !at.After(time.Now()) {
		return withReason("error.past_time", fmt.Errorf("a reminder needs a time in the future: %w", crm.ErrInvalid))
	}
	me := userOf(r).ID
	s, err := u.scoped(r).AddSchedule(ctx, schedule.NewSchedule{Kind: schedule.ScheduleReminder, DueAt: at,
		ConversationID: conv, UserID: me, CreatedBy: me, Payload: schedule.Payload{Text: strings.TrimSpace(r.FormValue("text"))}})
	if err != nil {
		return err
	}
	if u.Queue != nil {
		if err := workers.EnqueueSchedule(ctx, u.Queue, s); err != nil {
			u.log.Warn("enqueue reminder; the reconciler will retry", "schedule_id", s.ID, "err", err)
		}
	}
	return nil
}

// setLocale is POST /locale: the caller's language (locale fa or en), then
// back to the page they were on.
func (u *ui) setLocale(w http.ResponseWriter, r *http.Request) {
	loc := r.FormValue("locale")
	if _, err := u.Inbox.SetProfile(r.Context(), userOf(r).ID, nil, &loc); err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, r.FormValue("back"))
}
