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
		{"script in html", "PUT", "/api/v1/templates/canned.html/en/email", e.admin, `{"subject":"s","body":"b","html":"<p>{{name}}</p><script>alert(1)</script>"}`, 400, `\u003cscript\u003e element`},
		{"onerror in html", "PUT", "/api/v1/templates/canned.html/en/email", e.admin, `{"subject":"s","body":"b","html":"<img src=x onerror=\"alert(1)\">"}`, 400, `onerror attribute on \u003cimg\u003e`},
		{"javascript link in html", "PUT", "/api/v1/templates/canned.html/en/email", e.admin, `{"subject":"s","body":"b","html":"<a href=\"javascript:alert(1)\">x</a>"}`, 400, `javascript: URL in href of \u003ca\u003e`},
		{"refused html not stored", "GET", "/api/v1/templates/canned.html/en/email", e.agent, "", 404, `"not_found"`},
		{"clean html", "PUT", "/api/v1/templates/canned.html/en/email", e.admin, `{"subject":"s","body":"b","html":"<p title=\"{{name}}\"><a href=\"{{.Link}}\">x</a></p>"}`, 200, `"html":"\u003cp title=\"{{name}}\"\u003e\u003ca href=\"{{.Link}}\"\u003ex\u003c/a\u003e\u003c/p\u003e"`},
		{"custom", "PUT", "/api/v1/templates/canned.thanks/fa/text", e.admin, `{"body":"ممنون از صبر شما"}`, 200, `"custom":true`},
		{"agent may not delete", "DELETE", p, e.agent, "", 403, `"forbidden"`},
		{"delete override", "DELETE", p, e.admin, "", 204, ""},
		{"default again", "GET", p, e.agent, "", 200, `"overridden":false`},
		{"delete again", "DELETE", p, e.admin, "", 404, `"not_found"`},
	})
}
