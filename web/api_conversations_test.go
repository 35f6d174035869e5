package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestAPIConversations(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	in := smsIn(e.sms, "09121112233", "s1", "سفارش كيك")
	in.From.Name = "Sara كريمي"
	conv := e.ingest(t, in)
	other := e.ingest(t, smsIn(e.sms, "09124445566", "s2", "hello"))
	team, err := e.ib.CreateTeam(context.Background(), "billing")
	if err != nil {
		t.Fatal(err)
	}
	c := fmt.Sprintf("/api/v1/conversations/%d", conv)
	soon := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	e.run(t, []apiStep{
		{"list", "GET", "/api/v1/conversations", e.agent, "", 200, `"contact_name":"Sara كريمي"`},
		{"list preview", "GET", "/api/v1/conversations", e.agent, "", 200, `"preview":"hello"`},
		{"search folded", "GET", "/api/v1/conversations?q=%DA%A9%D8%B1%DB%8C%D9%85%DB%8C", e.agent, "", 200, fmt.Sprintf(`"id":%d`, conv)},
		{"page", "GET", "/api/v1/conversations?limit=1", e.agent, "", 200, `"next":"`},
		{"bad status", "GET", "/api/v1/conversations?status=closed", e.agent, "", 400, `"invalid"`},
		{"bad channel", "GET", "/api/v1/conversations?channel=x", e.agent, "", 400, `channel`},
		{"bad assignee", "GET", "/api/v1/conversations?assignee=-1", e.agent, "", 400, `assignee`},
		{"bad limit", "GET", "/api/v1/conversations?limit=1000", e.agent, "", 400, `limit`},
		{"bad cursor", "GET", "/api/v1/conversations?cursor=zz", e.agent, "", 400, `cursor`},
		{"assign to me", "POST", c + "/assign", e.agent, fmt.Sprintf(`{"assignee_id":%d}`, e.agentID), 200, fmt.Sprintf(`"assignee_id":%d`, e.agentID)},
		{"mine", "GET", "/api/v1/conversations?assignee=me", e.agent, "", 200, `"assignee_name":"Agent"`},
		{"unassigned", "GET", "/api/v1/conversations?assignee=none", e.agent, "", 200, fmt.Sprintf(`"id":%d`, other)},
		{"assign to nobody known", "POST", c + "/assign", e.agent, `{"assignee_id":99999}`, 400, `no such user`},
		{"assign bad body", "POST", c + "/assign", e.agent, `{"assignee_id":"me"}`, 400, `"invalid"`},
		{"assign missing", "POST", "/api/v1/conversations/99999/assign", e.agent, `{}`, 404, `"not_found"`},
		{"snooze", "POST", c + "/status", e.agent, `{"status":"snoozed","snoozed_until":"` + soon + `"}`, 200, `"status":"snoozed"`},
		{"snoozed list", "GET", "/api/v1/conversations?status=snoozed", e.agent, "", 200, fmt.Sprintf(`"id":%d`, conv)},
		{"snooze without time", "POST", c + "/status", e.agent, `{"status":"snoozed"}`, 400, `future`},
		{"bad status value", "POST", c + "/status", e.agent, `{"status":"closed"}`, 400, `"invalid"`},
		{"reopen", "POST", c + "/status", e.agent, `{"status":"open"}`, 200, `"status":"open"`},
		{"priority", "POST", c + "/priority", e.agent, `{"priority":"urgent"}`, 200, `"priority":"urgent"`},
		{"bad priority", "POST", c + "/priority", e.agent, `{"priority":"asap"}`, 400, `asap`},
		{"tags", "POST", c + "/tags", e.agent, `{"add":["VIP","cake"]}`, 200, `"tags":["cake","vip"]`},
		{"untag", "POST", c + "/tags", e.agent, `{"remove":["cake"]}`, 200, `"tags":["vip"]`},
		{"by tag", "GET", "/api/v1/conversations?tag=vip", e.agent, "", 200, fmt.Sprintf(`"id":%d`, conv)},
		{"team", "POST", c + "/team", e.agent, fmt.Sprintf(`{"team_id":%d}`, team), 200, fmt.Sprintf(`"team_id":%d`, team)},
		{"by team", "GET", fmt.Sprintf("/api/v1/conversations?team=%d", team), e.agent, "", 200, `"team_name":"billing"`},
		{"bad team", "POST", c + "/team", e.agent, `{"team_id":424242}`, 400, `"invalid"`},
		{"get", "GET", c, e.agent, "", 200, `"messages":[{`},
		{"get has unread", "GET", c, e.agent, "", 200, `"unread":1`},
		{"read", "POST", c + "/read", e.agent, "", 204, ""},
		{"read missing", "POST", "/api/v1/conversations/99999/read", e.agent, "", 404, `"not_found"`},
		{"get read", "GET", c, e.agent, "", 200, `"unread":0`},
		{"get missing", "GET", "/api/v1/conversations/99999", e.agent, "", 404, `"not_found"`},
		{"get bad id", "GET", "/api/v1/conversations/abc", e.agent, "", 400, `"invalid"`},
		{"get bad before", "GET", c + "?before=!!", e.agent, "", 400, `"invalid"`},
	})
	if status, _ := e.call(t, "GET", "/api/v1/teams", e.agent, ""); status != http.StatusOK {
		t.Fatalf("teams: %d", status)
	}
}
