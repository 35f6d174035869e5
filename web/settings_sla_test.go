package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
)

// sqlInt runs a query returning one number.
func (e *uiEnv) sqlInt(q string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// agentNamed adds an agent, available or away.
func (e *uiEnv) agentNamed(name string, available bool) int64 {
	return e.sqlInt(`INSERT INTO users (email, name, role, available) VALUES ($1 || '@example.com', $1, 'agent', $2)
		RETURNING id`, name, available)
}

// telegramFrom has customer chat write on the Telegram channel and
// returns the conversation, its wait moved back by ago.
func (e *uiEnv) telegramFrom(chat string, ago time.Duration) int64 {
	e.t.Helper()
	id := channels.Identity{Kind: channels.IdentityTelegram, Value: chat}
	if err := e.ib.Ingest(context.Background(), []channels.Inbound{{ChannelID: e.telegram, ExternalID: chat + ":1",
		Kind: channels.KindText, From: id, Text: "salam", SentAt: time.Now()}}); err != nil {
		e.t.Fatal(err)
	}
	return e.sqlInt(`UPDATE conversations SET waiting_since = now() - $2::interval
		WHERE id = (SELECT conversation_id FROM messages WHERE external_id = $1) RETURNING id`,
		chat+":1", fmt.Sprintf("%d seconds", int(ago.Seconds())))
}

// TestSLAPolicyFromThePage: the policy an admin saves on the page is the
// one the SLA check enforces, and changing it on the page changes what
// the check does; the channel routes new conversations to the team.
func TestSLAPolicyFromThePage(t *testing.T) {
	t.Parallel()
	e := newUIEnv(t, "en")
	e.becomeAdmin()
	ctx := context.Background()
	resp, _ := e.post("/settings/teams", url.Values{"name": {"Support"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create team: %d", resp.StatusCode)
	}
	team := e.sqlInt(`SELECT id FROM teams WHERE name = 'Support'`)
	ali, reza := e.agentNamed("ali", true), e.agentNamed("reza", false)
	for _, u := range []int64{ali, reza} {
		if resp, body := e.post(fmt.Sprintf("/settings/teams/%d/members", team), url.Values{"user_id": {fmt.Sprint(u)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add member: %d %s", resp.StatusCode, body)
		}
	}
	if resp, _ := e.post("/settings/teams/routes", url.Values{fmt.Sprintf("team_%d", e.telegram): {fmt.Sprint(team)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("route: %d", resp.StatusCode)
	}
	form := url.Values{"name": {"Support SLA"}, "scope": {fmt.Sprintf("team:%d", team)}, "first_response_minutes": {"30"},
		"next_response_minutes": {"0"}, "notify": {"on"}, "reassign": {"on"}, "pause_on_hold": {"on"}}
	if resp, body := e.post("/settings/sla", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save policy: %d %s", resp.StatusCode, body)
	}
	policy := e.sqlInt(`SELECT id FROM sla_policies WHERE team_id = $1`, team)

	conv := e.telegramFrom("7001", 31*time.Minute)
	if got := e.sqlInt(`SELECT COALESCE(team_id, 0) FROM conversations WHERE id = $1`, conv); got != team {
		t.Fatalf("the routed channel's conversation is in team %d, want %d", got, team)
	}
	if n, err := e.ib.CheckSLA(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("check: %d %v", n, err)
	}
	if got := e.sqlInt(`SELECT COALESCE(assignee_id, 0) FROM conversations WHERE id = $1`, conv); got != ali {
		t.Fatalf("reassigned to %d, want the available member %d (not away %d)", got, ali, reza)
	}
	// The page shows the policy as saved; loosened there to an hour, the
	// same wait no longer breaches.
	if _, body := e.get(fmt.Sprintf("/settings/sla/%d", policy)); !strings.Contains(body, `value="30"`) {
		t.Fatalf("policy page does not show the target:\n%s", body)
	}
	form.Set("first_response_minutes", "60")
	if resp, body := e.post(fmt.Sprintf("/settings/sla/%d", policy), form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit policy: %d %s", resp.StatusCode, body)
	}
	e.telegramFrom("7002", 31*time.Minute)
	if n, err := e.ib.CheckSLA(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("after loosening: %d breaches, %v", n, err)
	}
	if n := e.sqlInt(`SELECT count(*) FROM audit_events WHERE action IN ('team.create', 'team.member_add', 'team.route',
		'sla.create', 'sla.update') AND actor_id = $1`, e.user.ID); n != 6 {
		t.Fatalf("audit events = %d, want 6", n)
	}
	_, list := e.get("/settings/sla")
	for _, want := range []string{"Support SLA", "60 min", "Nowruz", "Ashura"} {
		if !strings.Contains(list, want) {
			t.Errorf("SLA list has no %q", want)
		}
	}
}

// TestSLAFormErrors: bad input is refused field by field, in the page's
// language, and changes nothing.
func TestSLAFormErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ locale, minutes, clock, overlap, team string }{
		{"fa", "شمار دقیقه", "08:00-16:00", "روی هم", "این تیم پیدا نشد"},
		{"en", "whole number of minutes", "08:00-16:00, the end", "overlap", "No such team"},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, tc.locale)
			e.becomeAdmin()
			form := url.Values{"name": {"x"}, "scope": {"team:999999"}, "first_response_minutes": {"-5"},
				"business_hours": {"on"}, "hours_sat": {"8-16"}, "hours_sun": {"08:00-12:00, 11:00-14:00"}}
			resp, body := e.post("/settings/sla", form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for _, want := range []string{tc.minutes, tc.clock, tc.overlap, `value="8-16"`} {
				if !strings.Contains(body, want) {
					t.Errorf("no %q in the answer", want)
				}
			}
			form.Set("first_response_minutes", "5")
			form.Set("hours_sat", "08:00-16:00")
			form.Set("hours_sun", "")
			if resp, body := e.post("/settings/sla", form); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.team) {
				t.Fatalf("unknown team: %d", resp.StatusCode)
			}
			if n := e.sqlInt(`SELECT count(*) FROM sla_policies`) + e.sqlInt(`SELECT count(*) FROM audit_events WHERE action LIKE 'sla.%'`); n != 0 {
				t.Fatalf("a refused form left %d rows", n)
			}
		})
	}
}

// TestSLAHolidaysCalendar: a policy's own holidays, typed in either
// calendar, show as Jalali dates on Persian pages and Gregorian on
// English ones.
func TestSLAHolidaysCalendar(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ locale, shown string }{{"fa", "1405-10-04"}, {"en", "2026-12-25"}} {
		t.Run(tc.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, tc.locale)
			e.becomeAdmin()
			form := url.Values{"name": {"Support"}, "scope": {"global"}, "first_response_minutes": {"30"},
				"business_hours": {"on"}, "hours_sat": {"08:00-16:00"}, "holidays": {"1405-10-04"}}
			resp, body := e.post("/settings/sla", form)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("create: %d\n%s", resp.StatusCode, body)
			}
			id := e.sqlInt(`SELECT id FROM sla_policies`)
			_, body = e.get(fmt.Sprintf("/settings/sla/%d", id))
			if !strings.Contains(body, tc.shown) {
				t.Fatalf("the holiday is not shown as %s", tc.shown)
			}
		})
	}
}
