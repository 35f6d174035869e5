package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/inbox/schedule"
)

// Viewer is who reads or acts on the inbox, as the team_visibility setting
// sees them. The zero Viewer sees everything: it is what the workers, the
// command line and an administrator use.
//
// A restricted viewer (an agent while team_visibility is on) sees a
// conversation when it has no team (it is not routed yet, so someone must
// pick it up), when it belongs to one of the viewer's teams, or when it is
// assigned to the viewer personally (work handed to them is theirs
// whatever its team). A conversation of another team, assigned or not, is
// hidden: lists and searches leave it out, and reading or acting on it
// gives ErrNotFound, the same as a conversation that does not exist, so
// ids tell nothing.
type Viewer struct {
	UserID int64
	// Restricted reports whether the team_visibility rule applies.
	Restricted bool
}

// ViewerFor returns the Viewer for user id: restricted when the
// team_visibility setting is on and the user is not an admin.
func (ib *Inbox) ViewerFor(ctx context.Context, userID int64, admin bool) (Viewer, error) {
	if admin {
		return Viewer{UserID: userID}, nil
	}
	s, err := ib.Setting(ctx, SettingTeamVisibility)
	if err != nil {
		return Viewer{}, err
	}
	return Viewer{UserID: userID, Restricted: s.Value == "on"}, nil
}

// cond returns the SQL condition over conversations alias c that keeps
// what v may see; "true" when v sees everything. It is never NULL, so NOT
// cond is what v may not see. It is the one place the rule is written.
func (v Viewer) cond(q *sqlBuilder, c string) string {
	if !v.Restricted {
		return "true"
	}
	u := q.arg(v.UserID)
	return fmt.Sprintf(`(%[1]s.team_id IS NULL OR coalesce(%[1]s.assignee_id = %[2]s, false) OR EXISTS (SELECT 1 FROM team_members tm
		WHERE tm.team_id = %[1]s.team_id AND tm.user_id = %[2]s))`, c, u)
}

// CanSee returns nil when v may see conversation id, and ErrNotFound when
// it does not exist or is hidden from v.
func (ib *Inbox) CanSee(ctx context.Context, v Viewer, id int64) error {
	var q sqlBuilder
	sql := `SELECT ` + v.cond(&q, "c") + ` FROM conversations c WHERE c.id = ` + q.arg(id)
	var ok bool
	err := ib.pool.QueryRow(ctx, sql, q.args...).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !ok) {
		return fmt.Errorf("inbox: conversation %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("inbox: conversation %d: %w", id, err)
	}
	return nil
}

// hiddenOf returns the conversations of contact (a live one) hidden from
// v; nil when v sees everything.
func (ib *Inbox) hiddenOf(ctx context.Context, v Viewer, contact int64) (map[int64]bool, error) {
	if !v.Restricted {
		return nil, nil
	}
	var q sqlBuilder
	rows, _ := ib.pool.Query(ctx, `SELECT c.id FROM conversations c WHERE c.contact_id = `+q.arg(contact)+
		` AND NOT `+v.cond(&q, "c"), q.args...)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("inbox: conversations of contact %d: %w", contact, err)
	}
	hidden := make(map[int64]bool, len(ids))
	for _, id := range ids {
		hidden[id] = true
	}
	return hidden, nil
}

// Scoped is the inbox as one Viewer sees it: every read and action on a
// conversation first checks that the viewer may see it (ErrNotFound
// otherwise), lists and searches leave hidden conversations out, and a
// contact's conversations and timeline show the visible ones only. The
// web API and pages reach conversations through it only.
type Scoped struct {
	ib *Inbox
	v  Viewer
}

// As returns the inbox as v sees it.
func (ib *Inbox) As(v Viewer) Scoped { return Scoped{ib: ib, v: v} }

// Viewer returns the viewer s is scoped to.
func (s Scoped) Viewer() Viewer { return s.v }

// CanSee returns nil when the viewer may see conversation id, and
// ErrNotFound when it does not exist or is hidden from them.
func (s Scoped) CanSee(ctx context.Context, id int64) error {
	return s.ib.CanSee(ctx, s.v, id)
}

// check returns ErrNotFound when the viewer may not see conversation id;
// it asks nothing of the database for a viewer who sees everything.
func (s Scoped) check(ctx context.Context, id int64) error {
	if !s.v.Restricted {
		return nil
	}
	return s.ib.CanSee(ctx, s.v, id)
}

// ListConversations is Inbox.ListConversations of the conversations the
// viewer sees.
func (s Scoped) ListConversations(ctx context.Context, f ConversationFilter) ([]ConversationItem, string, error) {
	f.Viewer = s.v
	return s.ib.ListConversations(ctx, f)
}

// Conversation is Inbox.Conversation for a conversation the viewer sees.
func (s Scoped) Conversation(ctx context.Context, id int64) (Conversation, error) {
	if err := s.check(ctx, id); err != nil {
		return Conversation{}, err
	}
	return s.ib.Conversation(ctx, id)
}

// ConversationView is Inbox.ConversationView for a conversation the viewer
// sees.
func (s Scoped) ConversationView(ctx context.Context, id int64, before string, limit int) (ConversationView, error) {
	if err := s.check(ctx, id); err != nil {
		return ConversationView{}, err
	}
	return s.ib.ConversationView(ctx, id, before, limit)
}

// ContactDetail is Inbox.ContactDetail with only the conversations the
// viewer sees. Contacts themselves are shared by everyone.
func (s Scoped) ContactDetail(ctx context.Context, id int64) (ContactDetail, error) {
	d, err := s.ib.ContactDetail(ctx, id)
	if err != nil || !s.v.Restricted {
		return d, err
	}
	hidden, err := s.ib.hiddenOf(ctx, s.v, d.ID)
	if err != nil {
		return ContactDetail{}, err
	}
	kept := d.Conversations[:0]
	for _, c := range d.Conversations {
		if !hidden[c.ID] {
			kept = append(kept, c)
		}
	}
	d.Conversations = kept
	return d, nil
}

// maxHiddenPages bounds how many timeline pages ContactTimeline reads to
// fill one page for a restricted viewer; past it the page is short and
// Older goes on from where it stopped.
const maxHiddenPages = 10

// ContactTimeline is Inbox.ContactTimeline with the entries of the
// conversations the viewer sees. For a restricted viewer it reads further
// pages until it has limit entries (or maxHiddenPages were read), so a
// page may be short but Older always continues where it stopped.
func (s Scoped) ContactTimeline(ctx context.Context, contactID int64, before string, limit int) ([]TimelineEntry, string, error) {
	if !s.v.Restricted {
		return s.ib.ContactTimeline(ctx, contactID, before, limit)
	}
	live, err := s.ib.LiveContact(ctx, contactID)
	if err != nil {
		return nil, "", err
	}
	hidden, err := s.ib.hiddenOf(ctx, s.v, live)
	if err != nil {
		return nil, "", err
	}
	limit = pageLimit(limit)
	var out []TimelineEntry
	older := before
	for range maxHiddenPages {
		page, next, err := s.ib.ContactTimeline(ctx, live, older, limit-len(out))
		if err != nil {
			return nil, "", err
		}
		var kept []TimelineEntry
		for _, e := range page {
			if !hidden[e.ConversationID] {
				kept = append(kept, e)
			}
		}
		out = append(kept, out...) // each page is older than the last, oldest first
		older = next
		if older == "" || len(out) >= limit {
			break
		}
	}
	return out, older, nil
}

// MarkRead is Inbox.MarkRead for a conversation the viewer sees.
func (s Scoped) MarkRead(ctx context.Context, id int64) error {
	if err := s.check(ctx, id); err != nil {
		return err
	}
	return s.ib.MarkRead(ctx, id)
}

// Assign is Inbox.Assign by the viewer.
func (s Scoped) Assign(ctx context.Context, conv, assignee int64) error {
	if err := s.check(ctx, conv); err != nil {
		return err
	}
	return s.ib.Assign(ctx, s.v.UserID, conv, assignee)
}

// SetStatus is Inbox.SetStatus by the viewer.
func (s Scoped) SetStatus(ctx context.Context, conv int64, status string, until time.Time) error {
	if err := s.check(ctx, conv); err != nil {
		return err
	}
	return s.ib.SetStatus(ctx, s.v.UserID, conv, status, until)
}

// SetPriority is Inbox.SetPriority by the viewer.
func (s Scoped) SetPriority(ctx context.Context, conv int64, priority string) error {
	if err := s.check(ctx, conv); err != nil {
		return err
	}
	return s.ib.SetPriority(ctx, s.v.UserID, conv, priority)
}

// Tag is Inbox.Tag by the viewer.
func (s Scoped) Tag(ctx context.Context, conv int64, add, remove []string) error {
	if err := s.check(ctx, conv); err != nil {
		return err
	}
	return s.ib.Tag(ctx, s.v.UserID, conv, add, remove)
}

// SetTeam is Inbox.SetTeam by the viewer. A restricted agent may hand a
// conversation to another team, and then no longer sees it.
func (s Scoped) SetTeam(ctx context.Context, conv, team int64) error {
	if err := s.check(ctx, conv); err != nil {
		return err
	}
	return s.ib.SetTeam(ctx, s.v.UserID, conv, team)
}

// AddNote is Inbox.AddNote by the viewer.
func (s Scoped) AddNote(ctx context.Context, conv int64, text string) (int64, error) {
	if err := s.check(ctx, conv); err != nil {
		return 0, err
	}
	return s.ib.AddNote(ctx, s.v.UserID, conv, text)
}

// AddReply is Inbox.AddReply by the viewer (r.AuthorID is set to them).
func (s Scoped) AddReply(ctx context.Context, r Reply) (int64, error) {
	if err := s.check(ctx, r.ConversationID); err != nil {
		return 0, err
	}
	r.AuthorID = s.v.UserID
	return s.ib.AddReply(ctx, r)
}

// Schedules is Inbox.Schedules; a conversation's schedules only when the
// viewer sees it.
func (s Scoped) Schedules(ctx context.Context, conversation, user int64) ([]schedule.Schedule, error) {
	if conversation != 0 {
		if err := s.check(ctx, conversation); err != nil {
			return nil, err
		}
	}
	return s.ib.Schedules(ctx, conversation, user)
}

// AddSchedule is Inbox.AddSchedule; one on a conversation only when the
// viewer sees it.
func (s Scoped) AddSchedule(ctx context.Context, ns schedule.NewSchedule) (schedule.Schedule, error) {
	if ns.ConversationID != 0 {
		if err := s.check(ctx, ns.ConversationID); err != nil {
			return schedule.Schedule{}, err
		}
	}
	return s.ib.AddSchedule(ctx, ns)
}

// Message is Inbox.Message for a message of a conversation the viewer
// sees.
func (s Scoped) Message(ctx context.Context, id int64) (Message, error) {
	m, err := s.ib.Message(ctx, id)
	if err == nil {
		err = s.check(ctx, m.ConversationID)
	}
	if err != nil {
		return Message{}, err
	}
	return m, nil
}

// Attachment is Inbox.Attachment for a message of a conversation the
// viewer sees.
func (s Scoped) Attachment(ctx context.Context, message int64, position int) (AttachmentFile, error) {
	f, err := s.ib.Attachment(ctx, message, position)
	if err == nil {
		err = s.check(ctx, f.ConversationID)
	}
	if err != nil {
		return AttachmentFile{}, err
	}
	return f, nil
}

// checkSchedule returns ErrNotFound when schedule id belongs to a
// conversation the viewer may not see.
func (s Scoped) checkSchedule(ctx context.Context, id int64) error {
	if !s.v.Restricted {
		return nil
	}
	sc, err := s.ib.GetSchedule(ctx, id)
	if err != nil {
		return err
	}
	if sc.ConversationID != nil {
		if err := s.check(ctx, *sc.ConversationID); err != nil {
			return fmt.Errorf("inbox: schedule %d: %w", id, ErrNotFound)
		}
	}
	return nil
}

// Reschedule is Inbox.Reschedule of a schedule whose conversation (if
// any) the viewer sees.
func (s Scoped) Reschedule(ctx context.Context, id int64, due time.Time) (schedule.Schedule, error) {
	if err := s.checkSchedule(ctx, id); err != nil {
		return schedule.Schedule{}, err
	}
	return s.ib.Reschedule(ctx, id, due)
}

// CancelSchedule is Inbox.CancelSchedule of a schedule whose conversation
// (if any) the viewer sees.
func (s Scoped) CancelSchedule(ctx context.Context, id int64) error {
	if err := s.checkSchedule(ctx, id); err != nil {
		return err
	}
	return s.ib.CancelSchedule(ctx, id)
}
