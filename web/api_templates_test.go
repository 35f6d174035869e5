package web_test

import "testing"

func TestAPITemplates(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	p := "/api/v1/templates/followup.nudge/en/text"
	e.run(t, []apiStep{
		{"list", "GET", "/api/v1/templates", e.agent, "", 200, `"name":"followup.nudge"`},
		{"get default", "GET", p, e.agent, "", 200, `"overridden":false`},
		{"get missing", "GET", "/api/v1/templates/nope/en/text", e.agent, "", 404, `"not_found"`},
		{"agent may not override", "PUT", p, e.agent, `{"body":"Hi {{.Contact.Name}}"}`, 403, `"forbidden"`},
		{"override", "PUT", p, e.admin, `{"body":"Hi {{.Contact.Name}}, any news?"}`, 200, `"overridden":true`},
		{"overridden", "GET", p, e.agent, "", 200, `any news?`},
		{"unknown field", "PUT", p, e.admin, `{"body":"Hi {{.Contact.Nickname}}"}`, 400, `"invalid"`},
		{"bad syntax", "PUT", p, e.admin, `{"body":"Hi {{.Contact.Name"}`, 400, `"invalid"`},
		{"bad locale", "PUT", "/api/v1/templates/followup.nudge/de/text", e.admin, `{"body":"x"}`, 400, `locale`},
		{"bad kind", "PUT", "/api/v1/templates/followup.nudge/en/fax", e.admin, `{"body":"x"}`, 400, `kind`},
		{"custom", "PUT", "/api/v1/templates/canned.thanks/fa/text", e.admin, `{"body":"ممنون از صبر شما"}`, 200, `"custom":true`},
		{"agent may not delete", "DELETE", p, e.agent, "", 403, `"forbidden"`},
		{"delete override", "DELETE", p, e.admin, "", 204, ""},
		{"default again", "GET", p, e.agent, "", 200, `"overridden":false`},
		{"delete again", "DELETE", p, e.admin, "", 404, `"not_found"`},
	})
}
