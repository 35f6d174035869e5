package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTeamsPages: an agent gets 403; an admin creates, renames, staffs
// and deletes a team, the deletion saying how many conversations lost
// their team; bad names are refused beside the field, changing nothing.
func TestTeamsPages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ locale, required, exists, away, deleted, noTeam string }{
		{"fa", "این فیلد لازم است", "تیمی با این نام هست", "غایب", "۲ گفتگو بی\u200cتیم شد", "این تیم پیدا نشد"},
		{"en", "This field is required", "A team with this name exists", "Away", "2 conversations no longer have a team", "No such team"},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, tc.locale)
			for _, path := range []string{"/settings/teams", "/settings/sla", "/settings/sla/new"} {
				if resp, _ := e.get(path); resp.StatusCode != http.StatusForbidden {
					t.Fatalf("agent on %s: %d", path, resp.StatusCode)
				}
			}
			e.becomeAdmin()
			if resp, body := e.post("/settings/teams", url.Values{"name": {"  "}}); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, tc.required) {
				t.Fatalf("empty name: %d", resp.StatusCode)
			}
			e.post("/settings/teams", url.Values{"name": {"Sales"}})
			resp, _ := e.post("/settings/teams", url.Values{"name": {"Support"}})
			team := e.sqlInt(`SELECT id FROM teams WHERE name = 'Support'`)
			if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/settings/teams/%d", team) {
				t.Fatalf("create went to %q", loc)
			}
			page := fmt.Sprintf("/settings/teams/%d", team)
			if resp, body := e.post(page, url.Values{"name": {"Sales"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, tc.exists) {
				t.Fatalf("rename to a taken name: %d", resp.StatusCode)
			}
			if resp, _ := e.post(page, url.Values{"name": {"Care"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("rename: %d", resp.StatusCode)
			}
			away := e.agentNamed("reza", false)
			e.post(page+"/members", url.Values{"user_id": {fmt.Sprint(away)}})
			if _, body := e.get(page); !strings.Contains(body, "reza") || !strings.Contains(body, tc.away) {
				t.Fatalf("team page does not show the away member:\n%s", body)
			}
			if resp, _ := e.post(page+"/members", url.Values{"user_id": {"999999"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("unknown user: %d", resp.StatusCode)
			}
			e.post(fmt.Sprintf("%s/members/%d/remove", page, away), url.Values{})
			if n := e.sqlInt(`SELECT count(*) FROM team_members WHERE team_id = $1`, team); n != 0 {
				t.Fatalf("members after removal: %d", n)
			}
			e.pool.Exec(t.Context(), `UPDATE conversations SET team_id = $1 WHERE id IN ($2, $3)`, team, e.mailConv, e.chatConv)
			// One good route beside a bad one: nothing is saved.
			if resp, body := e.post("/settings/teams/routes", url.Values{fmt.Sprintf("team_%d", e.sms): {"999999"},
				fmt.Sprintf("team_%d", e.telegram): {fmt.Sprint(team)}}); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, tc.noTeam) {
				t.Fatalf("route to an unknown team: %d", resp.StatusCode)
			}
			if n := e.sqlInt(`SELECT count(*) FROM channels WHERE team_id IS NOT NULL`); n != 0 {
				t.Fatalf("a refused routing form saved %d routes", n)
			}
			e.post("/settings/teams/routes", url.Values{fmt.Sprintf("team_%d", e.sms): {fmt.Sprint(team)}})
			if _, body := e.get(page); !strings.Contains(body, "SMS line") {
				t.Fatal("the team page does not list its channel")
			}
			resp, _ = e.post(page+"/delete", url.Values{})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", resp.StatusCode)
			}
			_, body := e.get(resp.Header.Get("Location"))
			if !strings.Contains(body, tc.deleted) {
				t.Fatalf("the list does not say what the deletion did:\n%s", body)
			}
			if n := e.sqlInt(`SELECT count(*) FROM conversations WHERE id IN ($1, $2) AND team_id IS NULL`, e.mailConv, e.chatConv); n != 2 {
				t.Fatalf("conversations of the deleted team: %d without a team, want 2", n)
			}
			if n := e.sqlInt(`SELECT count(*) FROM audit_events WHERE action LIKE 'team.%'`); n != 7 {
				t.Fatalf("team audit events = %d, want 7", n)
			}
		})
	}
}
