package web_test

import (
	"context"
	"fmt"
	"testing"
)

func TestAPIContacts(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	in := smsIn(e.sms, "09121112233", "s1", "first")
	in.From.Name = "سارا كريمي"
	conv := e.ingest(t, in)
	dup := smsIn(e.sms, "09124445566", "s2", "from her other phone")
	dup.From.Name = "Sara K"
	dupConv := e.ingest(t, dup)
	var sara, other int64
	for id, into := range map[int64]*int64{conv: &sara, dupConv: &other} {
		if err := e.pool.QueryRow(context.Background(), `SELECT contact_id FROM conversations WHERE id = $1`, id).Scan(into); err != nil {
			t.Fatal(err)
		}
	}
	ct := fmt.Sprintf("/api/v1/contacts/%d", sara)
	e.run(t, []apiStep{
		{"search folded", "GET", "/api/v1/contacts?q=%D8%B3%D8%A7%D8%B1%D8%A7%20%DA%A9%D8%B1%DB%8C%D9%85%DB%8C", e.agent, "", 200, fmt.Sprintf(`"id":%d`, sara)},
		{"search phone", "GET", "/api/v1/contacts?q=0912%20111%202233", e.agent, "", 200, fmt.Sprintf(`"id":%d`, sara)},
		{"search nothing", "GET", "/api/v1/contacts?q=zzzz", e.agent, "", 200, `"contacts":[]`},
		{"search empty", "GET", "/api/v1/contacts", e.agent, "", 400, `empty query`},
		{"get", "GET", ct, e.agent, "", 200, `"value":"+989121112233"`},
		{"get has conversations", "GET", ct, e.agent, "", 200, fmt.Sprintf(`"conversations":[{"id":%d`, conv)},
		{"get with timeline", "GET", ct, e.agent, "", 200, `"timeline":[{`},
		{"get missing", "GET", "/api/v1/contacts/99999", e.agent, "", 404, `"not_found"`},
		{"rename", "PATCH", ct, e.agent, `{"name":"Sara Karimi"}`, 200, `"name":"Sara Karimi"`},
		{"attributes", "PATCH", ct, e.agent, `{"attributes":{"plan":"gold","city":"Shiraz"}}`, 200, `"plan":"gold"`},
		{"attribute removed", "PATCH", ct, e.agent, `{"attributes":{"city":null}}`, 200, `"attributes":{"plan":"gold"}`},
		{"nothing to change", "PATCH", ct, e.agent, `{}`, 400, `nothing to change`},
		{"empty attribute name", "PATCH", ct, e.agent, `{"attributes":{"":1}}`, 400, `empty name`},
		{"tag", "POST", ct + "/tags", e.agent, `{"add":["VIP"]}`, 200, `"tags":["vip"]`},
		{"tag bad body", "POST", ct + "/tags", e.agent, `{"add":"vip"}`, 400, `"invalid"`},
		{"merge into itself", "POST", ct + "/merge", e.agent, fmt.Sprintf(`{"source_id":%d}`, sara), 400, `itself`},
		{"merge without source", "POST", ct + "/merge", e.agent, `{}`, 400, `source_id`},
		{"merge missing", "POST", ct + "/merge", e.agent, `{"source_id":99999}`, 404, `"not_found"`},
		{"merge", "POST", ct + "/merge", e.agent, fmt.Sprintf(`{"source_id":%d}`, other), 200, `"merge_id":1`},
		{"timeline across", "GET", ct + "/timeline", e.agent, "", 200, `"body":"from her other phone"`},
		{"old id leads to the merged contact", "GET", fmt.Sprintf("/api/v1/contacts/%d", other), e.agent, "", 200, fmt.Sprintf(`"id":%d`, sara)},
		{"timeline page", "GET", ct + "/timeline?limit=1", e.agent, "", 200, `"older":"`},
		{"timeline bad cursor", "GET", ct + "/timeline?before=x", e.agent, "", 400, `cursor`},
		{"merged contact is read-only", "PATCH", fmt.Sprintf("/api/v1/contacts/%d", other), e.agent, `{"name":"x"}`, 409, `"conflict"`},
		{"unmerge unknown", "POST", ct + "/unmerge", e.agent, `{"merge_id":42}`, 404, `no merge 42`},
		{"unmerge", "POST", ct + "/unmerge", e.agent, `{"merge_id":1}`, 200, `"merges":[]`},
		{"unmerge twice", "POST", ct + "/unmerge", e.agent, `{"merge_id":1}`, 404, `"not_found"`},
		{"split again", "GET", fmt.Sprintf("/api/v1/contacts/%d", other), e.agent, "", 200, `"name":"Sara K"`},
	})
}
