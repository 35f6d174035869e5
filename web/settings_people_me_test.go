package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"

	"github.com/peykhq/peyk/web/auth"
)

// TestMePage checks an agent's own page without JavaScript: away and
// back, which the people list shows, and their own tokens, made and
// revoked; another user's token is not theirs to revoke. A deactivated
// user is no longer offered for assignment and cannot be given a
// conversation.
func TestMePage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ locale, away, available string }{
		{"fa", "اکنون غایب هستید.", "اکنون در دسترس هستید."},
		{"en", "You are away.", "You are available."},
	} {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, c.locale)
			ctx := context.Background()
			if resp, body := e.get("/me"); resp.StatusCode != http.StatusOK || !strings.Contains(body, c.available) ||
				!strings.Contains(body, `href="/me" id="me-link" aria-current="page"`) {
				t.Fatalf("/me: %d\n%s", resp.StatusCode, body)
			}
			steps := []struct {
				value, want string
				available   bool
			}{{"false", c.away, false}, {"true", c.available, true}}
			for _, s := range steps {
				resp, _ := e.post("/me/availability", url.Values{"available": {s.value}})
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("set %s: %d", s.value, resp.StatusCode)
				}
				if _, body := e.get(resp.Header.Get("Location")); !strings.Contains(body, s.want) {
					t.Fatalf("after %s the page does not say %q", s.value, s.want)
				}
				var available bool
				if err := e.pool.QueryRow(ctx, `SELECT available FROM users WHERE id = $1`, e.user.ID).Scan(&available); err != nil || available != s.available {
					t.Fatalf("stored %v, %v", available, err)
				}
			}

			_, body := e.post("/me/tokens", url.Values{"name": {"laptop"}, "expires": {"1500/01/01"}})
			m := secretRE.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("token:\n%s", body)
			}
			tok, err := e.users.UserByToken(ctx, m[1])
			if err != nil || tok.ID != e.user.ID {
				t.Fatalf("my token: %+v %v", tok, err)
			}
			if resp, _ := e.post("/me/tokens", url.Values{"name": {""}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("a token without a name: %d", resp.StatusCode)
			}
			other, err := e.users.CreateUser(ctx, auth.NewUser{Email: "other@example.com", Role: auth.RoleAgent, Password: "long enough"})
			if err != nil {
				t.Fatal(err)
			}
			theirs, _, err := e.users.IssueToken(ctx, 0, other.ID, "theirs", time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			ts, _ := e.users.Tokens(ctx, other.ID)
			if resp, _ := e.post("/me/tokens/"+itoa(ts[0].ID)+"/revoke", url.Values{}); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("revoking another's token: %d", resp.StatusCode)
			}
			if _, err := e.users.UserByToken(ctx, theirs); err != nil {
				t.Fatal("an agent revoked another user's token")
			}
			mine, _ := e.users.Tokens(ctx, e.user.ID)
			if resp, _ := e.post("/me/tokens/"+itoa(mine[0].ID)+"/revoke", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d", resp.StatusCode)
			}
			if _, err := e.users.UserByToken(ctx, m[1]); err == nil {
				t.Fatal("my revoked token works")
			}

			// A deactivated user is not offered, and assigning to them fails.
			if _, body := e.get("/conversations/" + itoa(e.mailConv)); !strings.Contains(body, `>other@example.com</option>`) {
				t.Fatal("an active agent is not offered for assignment")
			}
			if _, err := e.users.SetActive(ctx, 0, other.ID, false); err != nil {
				t.Fatal(err)
			}
			if _, body := e.get("/conversations/" + itoa(e.mailConv)); strings.Contains(body, `>other@example.com</option>`) {
				t.Fatal("a deactivated agent is offered for assignment")
			}
			resp, _ := e.post("/conversations/"+itoa(e.mailConv)+"/assign", url.Values{"assignee": {itoa(other.ID)}})
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("assigning to a deactivated agent: %d", resp.StatusCode)
			}
			if n := dbtest.Count(t, e.pool, `SELECT count(*) FROM conversations WHERE assignee_id = $1`, other.ID); n != 0 {
				t.Fatal("a conversation went to a deactivated agent")
			}
		})
	}
}
