package inbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
)

// TestSLANextResponse: a customer answered once who writes again is held
// to the next-response target; without one, the policy leaves them.
func TestSLANextResponse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ali := e.user(t, "ali", true)
	id, err := e.ib.SaveSLAPolicy(ctx, 0, schedule.SLAPolicy{FirstResponse: time.Hour, Notify: true})
	if err != nil {
		t.Fatal(err)
	}
	in := smsFrom(e.sms, "09121110000", "q1")
	in.SentAt = time.Now().Add(-3 * time.Hour)
	e.ingest(t, in)
	conv := e.conversationOf(t, "q1")
	if _, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, AuthorID: ali, Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	again := smsFrom(e.sms, "09121110000", "q2")
	again.SentAt = time.Now()
	e.ingest(t, again)
	if _, err := e.pool.Exec(ctx, `UPDATE conversations SET waiting_since = now() - interval '20 minutes' WHERE id = $1`, conv); err != nil {
		t.Fatal(err)
	}
	if n, err := e.ib.CheckSLA(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("no next target: %d %v", n, err)
	}
	p, _ := e.ib.SLAPolicyByID(ctx, id)
	p.NextResponse = 15 * time.Minute
	if _, err := e.ib.SaveSLAPolicy(ctx, 0, p); err != nil {
		t.Fatal(err)
	}
	if n, err := e.ib.CheckSLA(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("next target: %d %v", n, err)
	}
	if k := e.count(t, `SELECT count(*) FROM sla_breaches WHERE conversation_id = $1 AND kind = 'next'`, conv); k != 1 {
		t.Fatalf("next-response breaches = %d", k)
	}
	if k := e.count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND i18n->>'key' LIKE 'sla.breach.next%'`, conv); k != 1 {
		t.Fatalf("timeline entries = %d", k)
	}
}

// TestSLAPausesOnHold: the time a conversation spent pending does not
// count when the policy pauses, and does when it does not.
func TestSLAPausesOnHold(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		pause bool
		want  int
	}{{"pauses", true, 0}, {"counts", false, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := context.Background()
			if _, err := e.ib.SaveSLAPolicy(ctx, 0, schedule.SLAPolicy{FirstResponse: 30 * time.Minute, PauseOnHold: tc.pause}); err != nil {
				t.Fatal(err)
			}
			e.ingest(t, smsFrom(e.sms, "09122220000", "hold"))
			conv := e.conversationOf(t, "hold")
			// Pending and back: the trigger records the pause.
			for _, st := range []string{inbox.StatusPending, inbox.StatusOpen} {
				if err := e.ib.SetStatus(ctx, 0, conv, st, time.Time{}); err != nil {
					t.Fatal(err)
				}
			}
			if k := e.count(t, `SELECT count(*) FROM sla_pauses WHERE conversation_id = $1 AND ended_at IS NOT NULL`, conv); k != 1 {
				t.Fatalf("pauses recorded = %d", k)
			}
			// 40 minutes waiting, 20 of them on hold.
			for _, q := range []string{`UPDATE conversations SET waiting_since = now() - interval '40 minutes' WHERE id = $1`,
				`UPDATE sla_pauses SET started_at = now() - interval '35 minutes', ended_at = now() - interval '15 minutes'
					WHERE conversation_id = $1`} {
				if _, err := e.pool.Exec(ctx, q, conv); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := e.ib.CheckSLA(ctx, time.Now()); err != nil || n != tc.want {
				t.Fatalf("breaches = %d, %v; want %d", n, err, tc.want)
			}
		})
	}
}

// TestSLAPolicyOrder: a channel's policy beats its team's, which beats
// the global one; a policy that only notifies leaves the assignee.
func TestSLAPolicyOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	team, _ := e.ib.CreateTeam(ctx, "care")
	mina, ali := e.user(t, "mina", true), e.user(t, "ali", true)
	for _, u := range []int64{mina, ali} {
		if err := e.ib.AddTeamMember(ctx, team, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.ib.RouteChannel(ctx, 0, e.sms, team); err != nil {
		t.Fatal(err)
	}
	save := func(p schedule.SLAPolicy) {
		t.Helper()
		if _, err := e.ib.SaveSLAPolicy(ctx, 0, p); err != nil {
			t.Fatal(err)
		}
	}
	save(schedule.SLAPolicy{Name: "global", FirstResponse: 10 * time.Minute, Reassign: true})
	save(schedule.SLAPolicy{Name: "team", TeamID: &team, FirstResponse: 20 * time.Minute, Reassign: true})
	in := smsFrom(e.sms, "09123330000", "order")
	in.SentAt = time.Now().Add(-25 * time.Minute)
	e.ingest(t, in)
	conv := e.conversationOf(t, "order")
	if k := e.count(t, `SELECT team_id FROM conversations WHERE id = $1`, conv); int64(k) != team {
		t.Fatalf("routed to team %d, want %d", k, team)
	}
	if err := e.ib.Assign(ctx, 0, conv, mina); err != nil {
		t.Fatal(err)
	}
	save(schedule.SLAPolicy{Name: "channel", ChannelID: &e.sms, FirstResponse: 30 * time.Minute, Notify: true})
	if n, _ := e.ib.CheckSLA(ctx, time.Now()); n != 0 {
		t.Fatalf("the channel's 30 minutes should win: %d breaches", n)
	}
	if n, _ := e.ib.CheckSLA(ctx, time.Now().Add(10*time.Minute)); n != 1 {
		t.Fatalf("past the channel's target: %d breaches", n)
	}
	if k := e.count(t, `SELECT assignee_id FROM conversations WHERE id = $1`, conv); int64(k) != mina {
		t.Fatal("a notify-only policy reassigned")
	}
	if k := e.count(t, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'sla'`, mina); k != 1 {
		t.Fatalf("assignee notifications = %d", k)
	}
}

// TestSLAPolicyFieldErrors: every fault is reported against its field
// and nothing is saved.
func TestSLAPolicyFieldErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	team := int64(999999)
	_, err := e.ib.SaveSLAPolicy(ctx, 0, schedule.SLAPolicy{FirstResponse: -time.Minute, NextResponse: -time.Minute,
		BusinessHours: true, Calendar: schedule.Calendar{Zone: "Mars/Base", Holidays: []string{"tomorrow"},
			Week: map[string][][2]string{"sat": {{"25:00", "26:00"}}, "sun": {{"08:00", "12:00"}, {"10:00", "14:00"}}}}})
	got := map[string]bool{}
	for _, fe := range channels.FieldErrors(err) {
		got[fe.Field] = true
	}
	for _, f := range []string{"first_response_minutes", "next_response_minutes", "zone", "holidays", "hours_sat", "hours_sun"} {
		if !got[f] {
			t.Errorf("no error on %s: %v", f, err)
		}
	}
	if _, err := e.ib.SaveSLAPolicy(ctx, 0, schedule.SLAPolicy{FirstResponse: time.Minute, TeamID: &team}); len(channels.FieldErrors(err)) != 1 ||
		channels.FieldErrors(err)[0].Field != "team_id" {
		t.Fatalf("unknown team: %v", err)
	}
	if k := e.count(t, `SELECT count(*) FROM sla_policies`); k != 0 {
		t.Fatalf("%d policies saved", k)
	}
}

// TestSLANotifiesTheTeam: a breach of a conversation with nobody assigned
// notifies the team's active members (not the inactive one), else the
// admins; a policy that neither notifies nor reassigns only records it.
func TestSLANotifiesTheTeam(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	team, _ := e.ib.CreateTeam(ctx, "care")
	mina, ali, gone := e.user(t, "mina", true), e.user(t, "ali", false), e.user(t, "gone", true)
	if _, err := e.pool.Exec(ctx, `UPDATE users SET active = false WHERE id = $1`, gone); err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{mina, ali, gone} {
		if err := e.ib.AddTeamMember(ctx, team, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.ib.SaveSLAPolicy(ctx, 0, schedule.SLAPolicy{TeamID: &team, FirstResponse: 10 * time.Minute, Notify: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ib.SaveSLAPolicy(ctx, 0, schedule.SLAPolicy{FirstResponse: 10 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	for i, withTeam := range []bool{true, false} {
		in := smsFrom(e.sms, "0912444000"+string(rune('0'+i)), "n"+string(rune('0'+i)))
		in.SentAt = time.Now().Add(-time.Hour)
		e.ingest(t, in)
		if withTeam {
			if err := e.ib.SetTeam(ctx, 0, e.conversationOf(t, in.ExternalID), team); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n, err := e.ib.CheckSLA(ctx, time.Now()); err != nil || n != 2 {
		t.Fatalf("breaches = %d, %v", n, err)
	}
	for u, want := range map[int64]int{mina: 1, ali: 1, gone: 0} {
		if k := e.count(t, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'sla'`, u); k != want {
			t.Errorf("user %d got %d notifications, want %d", u, k, want)
		}
	}
	if k := e.count(t, `SELECT count(*) FROM notifications`); k != 2 {
		t.Errorf("%d notifications in all: the global policy neither notifies nor reassigns", k)
	}
	if k := e.count(t, `SELECT count(*) FROM conversations WHERE assignee_id IS NOT NULL`); k != 0 {
		t.Errorf("%d conversations reassigned", k)
	}
}
