package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/web/browsertest"
)

// TestTeamAndSLAInTheBrowser: an admin, in the browser alone, creates a
// team with two agents (one away), routes the Telegram channel to it and
// gives it an SLA policy of one minute; an unanswered conversation of the
// team is then reassigned by the SLA check the workers run
// (Inbox.CheckSLA), to the available member, and the conversation says
// so. In English and in Persian.
func TestTeamAndSLAInTheBrowser(t *testing.T) {
	for _, tc := range []struct{ locale, reassigned string }{
		{"en", "reassigned to Ali Karimi"},
		{"fa", "به Ali Karimi سپرده شد"},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			env := browsertest.New(t, nil)
			ctx := context.Background()
			w := newWorkspace(t, env)
			sql := func(q string, args ...any) int64 {
				t.Helper()
				var id int64
				if err := env.Pool.QueryRow(ctx, q, args...).Scan(&id); err != nil {
					t.Fatal(err)
				}
				return id
			}
			sql(`UPDATE users SET locale = $1 WHERE id = $2 RETURNING id`, tc.locale, env.Admin.ID)
			ali := sql(`INSERT INTO users (email, name, role, available) VALUES ('ali@example.com', 'Ali Karimi', 'agent', true) RETURNING id`)
			reza := sql(`INSERT INTO users (email, name, role, available) VALUES ('reza@example.com', 'Reza Navabi', 'agent', false) RETURNING id`)

			b := env.Browser(t)
			b.Login(env.Admin.Email, browsertest.Password)
			b.Open("/settings/teams")
			b.Run(chromedp.SendKeys("#team-name", "Support", chromedp.ByQuery),
				chromedp.Click(`#team-create button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitReady(`#team-rename`, chromedp.ByQuery))
			team := sql(`SELECT id FROM teams WHERE name = 'Support'`)
			for _, u := range []int64{ali, reza} {
				b.Run(chromedp.SetValue("#member-user", fmt.Sprint(u), chromedp.ByQuery),
					chromedp.Click(`#team-add-member button[type=submit]`, chromedp.ByQuery),
					chromedp.WaitReady(fmt.Sprintf(`#team-members tr[data-user="%d"]`, u), chromedp.ByQuery))
			}
			b.Open("/settings/teams")
			b.Run(chromedp.SetValue(fmt.Sprintf("#route-%d", w.telegram), fmt.Sprint(team), chromedp.ByQuery),
				chromedp.Click(`#team-routes button[type=submit]`, chromedp.ByQuery),
				// The list comes back with the channel beside its team.
				chromedp.WaitReady(`//table[@id="teams"]//td[contains(., "Support bot")]`, chromedp.BySearch))
			if got := b.NodeText("#teams"); !strings.Contains(got, "Reza Navabi") || !strings.Contains(got, "Support bot") {
				t.Fatalf("teams list: %q", got)
			}
			b.Screenshot("settings-teams-" + tc.locale)

			// The policy: one minute to the first answer, counted around the
			// clock, reassigning on a breach.
			b.Open("/settings/sla/new")
			b.Run(chromedp.SendKeys("#sla-name", "Support: one minute", chromedp.ByQuery),
				chromedp.SetValue("#sla-scope", fmt.Sprintf("team:%d", team), chromedp.ByQuery),
				chromedp.SetValue("#sla-first", "1", chromedp.ByQuery),
				chromedp.Evaluate(`document.getElementById("sla-business").checked = false`, nil),
				chromedp.Evaluate(`document.getElementById("sla-reassign").checked = true`, nil))
			b.Screenshot("settings-sla-policy-" + tc.locale)
			b.Run(chromedp.Click("#sla-save", chromedp.ByQuery), chromedp.WaitReady(`#sla-policies`, chromedp.ByQuery))
			if got := b.NodeText("#sla-policies"); !strings.Contains(got, "Support: one minute") {
				t.Fatalf("policies: %q", got)
			}
			b.Screenshot("settings-sla-" + tc.locale)

			// A customer writes on the routed channel; the conversation sits
			// with the away agent, unanswered, for two minutes.
			if err := env.Inbox.Ingest(ctx, []channels.Inbound{{ChannelID: w.telegram, ExternalID: "9090:1", Kind: channels.KindText,
				From: channels.Identity{Kind: channels.IdentityTelegram, Value: "9090"}, Text: "Anyone there?"}}); err != nil {
				t.Fatal(err)
			}
			conv := sql(`SELECT conversation_id FROM messages WHERE external_id = '9090:1'`)
			if got := sql(`SELECT COALESCE(team_id, 0) FROM conversations WHERE id = $1`, conv); got != team {
				t.Fatalf("conversation in team %d, want %d (routing)", got, team)
			}
			if err := env.Inbox.Assign(ctx, 0, conv, reza); err != nil {
				t.Fatal(err)
			}
			sql(`UPDATE conversations SET waiting_since = now() - interval '2 minutes' WHERE id = $1 RETURNING id`, conv)
			if n, err := env.Inbox.CheckSLA(ctx, time.Now()); err != nil || n != 1 {
				t.Fatalf("SLA check: %d breaches, %v", n, err)
			}
			if got := sql(`SELECT assignee_id FROM conversations WHERE id = $1`, conv); got != ali {
				t.Fatalf("reassigned to %d, want the available member %d", got, ali)
			}
			b.Open(fmt.Sprintf("/conversations/%d", conv))
			if got := b.NodeText("#timeline"); !strings.Contains(got, tc.reassigned) {
				t.Fatalf("timeline does not say %q:\n%s", tc.reassigned, got)
			}
		})
	}
}
