package web_test

import (
	"context"
	"fmt"
	"testing"
)

// TestAPICanned manages canned responses over the API (admins) and lists
// them for agents in the language of ?locale= or of the contact
// ?contact_id=, else the agent's.
func TestAPICanned(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	var en, none int64
	if err := e.pool.QueryRow(context.Background(), `INSERT INTO contacts (name, locale) VALUES ('Ann', 'en') RETURNING id`).Scan(&en); err != nil {
		t.Fatal(err)
	}
	if err := e.pool.QueryRow(context.Background(), `INSERT INTO contacts (name) VALUES ('Nima') RETURNING id`).Scan(&none); err != nil {
		t.Fatal(err)
	}
	body := `{"title":"Opening hours","body_fa":"ساعت کاری ۹ تا ۲۱","body_en":"Open 9 to 21","shortcut":"hours"}`
	e.run(t, []apiStep{
		{"agent may not create", "POST", "/api/v1/canned", e.agent, body, 403, `"forbidden"`},
		{"create", "POST", "/api/v1/canned", e.admin, body, 201, `"shortcut":"hours"`},
		{"no title", "POST", "/api/v1/canned", e.admin, `{"body_en":"x"}`, 400, `"field":"title","reason":"error.required"`},
		{"shortcut taken", "POST", "/api/v1/canned", e.admin, `{"title":"x","body_en":"x","shortcut":"hours"}`, 400, `"reason":"canned.error.taken"`},
		{"by locale", "GET", "/api/v1/canned?locale=en", e.agent, "", 200, `"locale":"en","text":"Open 9 to 21"`},
		{"by contact", "GET", fmt.Sprintf("/api/v1/canned?contact_id=%d", en), e.agent, "", 200, `"text":"Open 9 to 21"`},
		{"contact without a language: the agent's", "GET", fmt.Sprintf("/api/v1/canned?contact_id=%d", none), e.agent, "", 200, `"text":"ساعت کاری ۹ تا ۲۱"`},
		{"unknown contact", "GET", "/api/v1/canned?contact_id=999999", e.agent, "", 404, `"not_found"`},
	})
	var id int64
	if err := e.pool.QueryRow(context.Background(), `SELECT id FROM canned_responses`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	p := fmt.Sprintf("/api/v1/canned/%d", id)
	e.run(t, []apiStep{
		{"update", "PUT", p, e.admin, `{"title":"Hours","body_en":"9–21"}`, 200, `"title":"Hours"`},
		{"get", "GET", p, e.agent, "", 200, `"body_fa":""`},
		{"delete", "DELETE", p, e.admin, "", 204, ``},
		{"gone", "GET", p, e.agent, "", 404, `"not_found"`},
	})
}

// TestAPITags lists, renames, merges, colours and deletes tags over the
// API; changes are for admins.
func TestAPITags(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	if _, err := e.pool.Exec(context.Background(), `INSERT INTO contacts (name, tags) VALUES ('A', '{vip,refund}'), ('B', '{refund}')`); err != nil {
		t.Fatal(err)
	}
	e.run(t, []apiStep{
		{"list", "GET", "/api/v1/tags", e.agent, "", 200, `{"name":"refund","colour":"gray","contacts":2,"conversations":0}`},
		{"agent may not rename", "POST", "/api/v1/tags/rename", e.agent, `{"from":"vip","to":"gold"}`, 403, `"forbidden"`},
		{"rename onto a tag", "POST", "/api/v1/tags/rename", e.admin, `{"from":"vip","to":"refund"}`, 400, `"reason":"tags.error.taken"`},
		{"rename", "POST", "/api/v1/tags/rename", e.admin, `{"from":"vip","to":"gold"}`, 204, ``},
		{"colour", "PUT", "/api/v1/tags/gold/colour", e.admin, `{"colour":"teal"}`, 204, ``},
		{"bad colour", "PUT", "/api/v1/tags/gold/colour", e.admin, `{"colour":"#f00"}`, 400, `"field":"colour"`},
		{"merge", "POST", "/api/v1/tags/merge", e.admin, `{"from":"refund","into":"gold"}`, 204, ``},
		{"merged", "GET", "/api/v1/tags", e.agent, "", 200, `[{"name":"gold","colour":"teal","contacts":2,"conversations":0}]`},
		{"delete", "DELETE", "/api/v1/tags/gold", e.admin, "", 204, ``},
		{"delete missing", "DELETE", "/api/v1/tags/gold", e.admin, "", 404, `"not_found"`},
	})
}

// TestAPITemplatePreview renders a template as typed for the sample
// contact, without saving it.
func TestAPITemplatePreview(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	p := "/api/v1/templates/followup.nudge/fa/text/preview"
	e.run(t, []apiStep{
		{"preview", "POST", p, e.admin, `{"body":"سلام {{firstName}}، {{dateLong .Due}}"}`, 200, `"text":"سلام سارا، ۱۵ فروردین ۱۴۰۵"`},
		{"refused", "POST", p, e.admin, `{"body":"{{.Contact.Nmae}}"}`, 400, `unknown field Nmae`},
		{"not saved", "GET", "/api/v1/templates/followup.nudge/fa/text", e.agent, "", 200, `"overridden":false`},
	})
}
