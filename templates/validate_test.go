package templates

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateRejects(t *testing.T) {
	text := func(body string) Template { return Template{Name: "custom.test", Locale: "fa", Kind: Text, Body: body} }
	email := func(subject, body, html string) Template {
		return Template{Name: "custom.test", Locale: "en", Kind: Email, Subject: subject, Body: body, HTML: html}
	}
	cases := []struct {
		name string
		t    Template
		want []string // fragments of the error message
		part string
		line int
	}{
		{"misspelt contact field", text("سلام\n{{.Contact.Nmae}}"), []string{"body, line 2", "unknown field Nmae in {{.Contact.Nmae}}", "Contact has ID, Name, FirstName"}, "body", 2},
		{"unknown top-level field", text("{{.Foo}}"), []string{"unknown field Foo in {{.Foo}}", "Data has Contact, Agent, Conversation"}, "body", 1},
		{"field of a field", text("{{.Agent.Name.First}}"), []string{"{{.Agent.Name.First}}", "Name"}, "body", 1},
		{"unknown function", text("{{shout .Text}}"), []string{`unknown function "shout"`}, "body", 1},
		{"unknown function in subject", email("{{upper .Contact.Name}}", "x", ""), []string{"subject, line 1", `unknown function "upper"`}, "subject", 1},
		{"unknown field in html", email("s", "x", "<p>\n{{.Conversation.Number}}</p>"), []string{"html, line 2", "unknown field Number", "Conversation has"}, "html", 2},
		{"attribute as a field", text(`{{.Attributes.plan}}`), []string{`{{attr "plan"}}`, "{{.Attributes.plan}}"}, "body", 1},
		{"unclosed action", text("{{if .Text}}x"), []string{"body, line 1", "{{end}} missing"}, "body", 1},
		{"html unsafe attribute", email("s", "x", `<a href="{{.Link}}`), []string{"html: ends in a non-text context: a tag, quote or script is left open"}, "html", 0},
		{"html script injection point", email("s", "x", `<a onclick="{{.Text}}`), []string{"html"}, "html", 0},
		{"html branches disagree", email("s", "x", "<p>\n{{if .Link}}<a href=\"{{.Link}}{{end}}\">link</a>"), []string{"html, line 2: {{if}} branches end in different contexts: each branch must close"}, "html", 2},
		{"define", text(`{{define "x"}}hi{{end}}{{template "x"}}`), []string{"{{define}}"}, "body", 0},
		{"template call", text(`{{template "x"}}`), []string{"body, line 1", "{{template}} is not supported"}, "body", 1},
		{"block", text(`{{block "x" .}}hi{{end}}`), []string{"{{define}} and {{block}}"}, "body", 0},
		{"endless range", text(`{{range 99999999999}}{{end}}`), []string{"loops would run more than 10000 times"}, "body", 1},
		{"nested ranges", text(`{{range 100}}{{range 100}}{{range 100}}{{end}}{{end}}{{end}}`), []string{"loops would run more than"}, "body", 1},
		{"range over a variable", text(`{{$n := 100000}}{{with $n}}{{range .}}x{{end}}{{end}}`), []string{"loops would run"}, "body", 1},
		{"runaway output", text(`{{range 5000}}{{printf "%0100d" 0}}{{end}}`), []string{"longer than 256 KiB"}, "body", 0},
		{"range over text", text(`{{range .Text}}x{{end}}`), []string{"{{range}}: cannot loop over string"}, "body", 1},
		{"bad date in a template", text(`{{date "soon"}}`), []string{`{{date "soon"}}: cannot read "soon" as a date`}, "body", 1},
		{"fails on empty data", text(`{{slice .Text 0 3}}`), []string{"slice"}, "body", 1},
		{"empty body", email("s", " \n", "<p>x</p>"), []string{"body", "empty"}, "body", 0},
		{"text with subject", Template{Name: "x", Locale: "fa", Kind: Text, Subject: "s", Body: "b"}, []string{"no subject or HTML"}, "", 0},
		{"bad name", Template{Name: "Bad Name", Locale: "fa", Kind: Text, Body: "b"}, []string{`bad name "Bad Name"`}, "", 0},
		{"bad locale", Template{Name: "x", Locale: "de", Kind: Text, Body: "b"}, []string{`unknown locale "de"`}, "", 0},
		{"bad kind", Template{Name: "x", Locale: "fa", Kind: "fax", Body: "b"}, []string{`unknown kind "fax"`}, "", 0},
		{"too long", text(strings.Repeat("x", maxPart+1)), []string{"longer than"}, "body", 0},
		{"not utf-8", text("\xff"), []string{"UTF-8"}, "body", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.t)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v is not ErrInvalid", err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%v is not an *Error", err)
			}
			if e.Part != tc.part || (tc.line != 0 && e.Line != tc.line) {
				t.Errorf("part %q line %d, want %q line %d", e.Part, e.Line, tc.part, tc.line)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	for _, body := range []string{
		"plain text, no actions",
		`{{attr "plan"}} {{attr "plan" | default "basic"}} {{index .Attributes "plan"}}`,
		`{{range $k, $v := .Attributes}}{{$k}}={{$v}} {{end}}`,
		`{{range 3}}.{{end}} {{range $i, $c := .Attributes}}{{$i}}{{end}} {{range .Attributes}}{{else}}none{{end}}`,
		`{{with date .Due}}due {{.}}{{else}}no date{{end}} {{if .Now.IsZero}}{{end}}`,
		`{{.Contact.Name | printf "%.10s"}} {{len .Text}} {{.Conversation.Ref}} {{.Location}}`,
		`{{jalali .Now}} {{jalaliLong .Due}} {{gregorian .Due}} {{gregorianLong .Due}} {{time .Due}} {{weekday .Due}} {{faDigits 12}}`,
		"{{/* a comment */}}hello {{- \" trimmed\" -}} !",
	} {
		tpl := Template{Name: "custom.test", Locale: "en", Kind: Email, Subject: "s", Body: body, HTML: "<p>" + body + "</p>"}
		if err := Validate(tpl); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestHTMLEscaping(t *testing.T) {
	tpl := Template{Name: "t", Locale: "en", Kind: Email, Subject: "Hi {{name}}", Body: "Hi {{name}}",
		HTML: `<p title="{{name}}">Hi {{name}}, {{firstName}}</p><a href="{{.Link}}">go</a>`}
	d := Data{Contact: Contact{Name: `<script>alert("x")</script>`}, Link: "javascript:alert(1)"}
	r, err := tpl.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<script>alert") || strings.Contains(r.HTML, "javascript:") {
		t.Errorf("html not escaped: %s", r.HTML)
	}
	if !strings.Contains(r.HTML, "Hi &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") || !strings.Contains(r.HTML, `href="#ZgotmplZ"`) {
		t.Errorf("html: %s", r.HTML)
	}
	if r.Text != `Hi <script>alert("x")</script>` {
		t.Errorf("the text part is plain text and keeps the name: %q", r.Text)
	}

	// The defaults escape customer-controlled data too.
	defaults, err := loadDefaults(defaultFiles)
	if err != nil {
		t.Fatal(err)
	}
	for k, tpl := range defaults {
		if tpl.HTML == "" {
			continue
		}
		d := Sample(k.locale)
		d.Contact.Name, d.Contact.FirstName = "<script>alert(1)</script>", "<b>Sara</b>"
		d.Conversation.Subject, d.Text, d.Agent.Name = "<img src=x onerror=alert(2)>", "<iframe>", "<i>agent</i>"
		d.Attributes["product"] = "<svg onload=alert(3)>"
		r, err := tpl.Render(d)
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		for _, bad := range []string{"<script", "<img", "<iframe", "<svg", "<b>", "<i>"} {
			if strings.Contains(r.HTML, bad) {
				t.Errorf("%v: %q in HTML:\n%s", k, bad, r.HTML)
			}
		}
	}
}
