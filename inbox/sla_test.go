package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
)

func (e env) user(t *testing.T, name string, available bool) int64 {
	t.Helper()
	var id int64
	err := e.pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role, available)
		VALUES ($1 || '@peyk.ir', $1, 'agent', $2) RETURNING id`, name, available).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSLABreachReassigns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	team, err := e.ib.CreateTeam(ctx, "support")
	if err != nil {
		t.Fatal(err)
	}
	absent := e.user(t, "absent", false)
	ali, sara, outsider := e.user(t, "ali", true), e.user(t, "sara", true), e.user(t, "outsider", true)
	for _, u := range []int64{absent, ali, sara} {
		if err := e.ib.AddTeamMember(ctx, team, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{TeamID: &team, FirstResponse: 30 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	// Three customers wrote an hour ago; the conversations sit with the absent agent.
	var convs []int64
	for i := range 3 {
		in := smsFrom(e.sms, fmt.Sprintf("0912000000%d", i), fmt.Sprintf("late-%d", i))
		in.SentAt = time.Now().Add(-time.Hour)
		e.ingest(t, in)
		conv := e.conversationOf(t, in.ExternalID)
		convs = append(convs, conv)
		if err := e.ib.SetTeam(ctx, 0, conv, team); err != nil {
			t.Fatal(err)
		}
		if err := e.ib.Assign(ctx, 0, conv, absent); err != nil {
			t.Fatal(err)
		}
	}
	// A fresh one is not overdue.
	e.ingest(t, smsFrom(e.sms, "09129999999", "fresh"))

	n, err := e.ib.CheckSLA(ctx, time.Now())
	if err != nil || n != 3 {
		t.Fatalf("breaches = %d, %v; want 3", n, err)
	}
	var got []int64
	for _, conv := range convs {
		c, _ := e.ib.Conversation(ctx, conv)
		got = append(got, *c.AssigneeID)
	}
	// Round-robin among the available members, never the absent one or an outsider.
	if want := []int64{ali, sara, ali}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("assignees = %v, want %v (outsider %d)", got, want, outsider)
	}
	if n, err := e.ib.CheckSLA(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("second check: %d breaches, %v; want none", n, err)
	}
	if k := e.count(t, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'sla'`, absent); k != 3 {
		t.Fatalf("the absent agent got %d notifications, want 3", k)
	}
	if k := e.count(t, `SELECT count(*) FROM messages WHERE kind = 'event' AND body LIKE 'SLA breached%'`); k != 3 {
		t.Fatalf("timeline entries = %d, want 3", k)
	}
	// Each says so as a key with the due time and the new assignee, which
	// the page renders in the reader's language and calendar.
	if k := e.count(t, `SELECT count(*) FROM messages WHERE kind = 'event' AND i18n->>'key' = 'sla.breach.reassigned'
		AND (i18n->'args'->>'due_at')::timestamptz IS NOT NULL AND i18n->'args'->>'name' <> ''`); k != 3 {
		t.Fatalf("timeline entries with their key = %d, want 3", k)
	}

	t.Run("answered in time: no breach", func(t *testing.T) {
		in := smsFrom(e.sms, "09127777777", "answered")
		in.SentAt = time.Now().Add(-time.Hour)
		e.ingest(t, in)
		conv := e.conversationOf(t, "answered")
		if _, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, AuthorID: ali, Text: "on it"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{FirstResponse: 30 * time.Minute}); err != nil {
			t.Fatal(err)
		}
		if n, _ := e.ib.CheckSLA(ctx, time.Now().Add(time.Hour)); n != 1 { // only "fresh", by the global policy, an hour on
			t.Fatalf("breaches = %d", n)
		}
	})
}

func TestSLABusinessHours(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{FirstResponse: time.Hour, BusinessHours: true,
		Calendar: schedule.IranianWeek()}); err != nil {
		t.Fatal(err)
	}
	teh, _ := time.LoadLocation("Asia/Tehran")
	// Thursday 11:30 in Tehran: half an hour of the day is left, the rest
	// runs on Saturday morning.
	wrote := time.Date(2026, 3, 19, 11, 30, 0, 0, teh)
	in := smsFrom(e.sms, "09121234567", "thu")
	in.SentAt = wrote
	e.ingest(t, in)
	for _, tc := range []struct {
		now  time.Time
		want int
	}{
		{time.Date(2026, 3, 20, 18, 0, 0, 0, teh), 0}, // Friday evening: 30 open minutes so far
		{time.Date(2026, 3, 21, 8, 29, 0, 0, teh), 0},
		{time.Date(2026, 3, 21, 8, 31, 0, 0, teh), 1},
	} {
		if n, err := e.ib.CheckSLA(ctx, tc.now); err != nil || n != tc.want {
			t.Fatalf("at %v: %d breaches, %v; want %d", tc.now, n, err, tc.want)
		}
	}
	if _, err := e.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{FirstResponse: time.Hour, BusinessHours: true}); !errors.Is(err, inbox.ErrInvalid) {
		t.Fatalf("policy without open hours: %v", err)
	}
}

// TestSLAChecksPastABacklog: more than a page of candidates not due yet
// (a business-hours team's weekend) waited longer by the clock than a
// conversation under the round-the-clock global policy; the check read
// only the first page and never reached it.
func TestSLAChecksPastABacklog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	team, err := e.ib.CreateTeam(ctx, "Weekdays")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{FirstResponse: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{TeamID: &team, FirstResponse: 24 * time.Hour, BusinessHours: true,
		Calendar: schedule.IranianWeek()}); err != nil {
		t.Fatal(err)
	}
	teh, _ := time.LoadLocation("Asia/Tehran")
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, teh) // a Friday: the team's clock stands still
	// 1,200 of the team's conversations waiting since Wednesday evening,
	// due only next week by business hours.
	if _, err := e.pool.Exec(ctx, `WITH k AS (INSERT INTO contacts (name) SELECT 'c' || g FROM generate_series(1, 1200) g RETURNING id)
		INSERT INTO conversations (contact_id, team_id, reply_token, waiting_since)
		SELECT id, $1, 'tok' || id, $2::timestamptz + id * interval '1 millisecond' FROM k`, team, now.Add(-40*time.Hour)); err != nil {
		t.Fatal(err)
	}
	in := smsFrom(e.sms, "09121239999", "late")
	in.SentAt = now.Add(-2 * time.Hour)
	e.ingest(t, in)
	if n, err := e.ib.CheckSLA(ctx, now); err != nil || n != 1 {
		t.Fatalf("breaches: %d %v, want the global policy's one", n, err)
	}
}
