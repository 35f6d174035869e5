package templates

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateHTML(t *testing.T) {
	email := func(html string) Template {
		return Template{Name: "custom.html", Locale: "en", Kind: Email, Subject: "s", Body: "b", HTML: html}
	}
	cases := []struct {
		name string
		html string
		want []string // fragments of the error; none means accepted
		line int
	}{
		{"clean body passes unchanged", `<p style="color:#333">Hi {{name}},</p>
<p><a href="{{.Link}}" title="{{.Conversation.Subject}}">your conversation #{{.Conversation.Ref}}</a></p>
<img src="cid:logo" alt="logo"> <a href="mailto:help@example.com">mail</a> <a href="tel:+982100000000">call</a>
<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"><style>p { margin: 0 }</style>
{{if .Agent.Name}}<p>{{.Agent.Name}}</p>{{end}}`, nil, 0},
		{"script element", "<p>hi</p>\n<script>alert(1)</script>", []string{"html, line 2", "<script> element"}, 2},
		{"script with an action inside", `<script>var n = {{name}};</script>`, []string{"<script> element"}, 1},
		{"onerror attribute", `<img src="x.png" onerror="alert(1)">`, []string{"onerror attribute on <img>"}, 1},
		{"onclick with an action", `<a href="#" onclick="go({{.Link}})">x</a>`, []string{"onclick attribute on <a>"}, 1},
		{"javascript URL", `<a href="javascript:alert(1)">x</a>`, []string{"javascript: URL in href of <a>"}, 1},
		{"javascript URL spelt to hide", "<a href=\" JaVa\tScRiPt:alert(1)\">x</a>", []string{"javascript: URL in href"}, 1},
		{"javascript URL in entities", `<a href="&#106;avascript:alert(1)">x</a>`, []string{"javascript: URL in href"}, 1},
		{"javascript URL around an action", `<a href="javascript:{{.Link}}">x</a>`, []string{"javascript: URL in href"}, 1},
		{"vbscript URL", `<img src="vbscript:msgbox">`, []string{"vbscript: URL in src of <img>"}, 1},
		{"data URL that is not a picture", `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, []string{"data: URL in href"}, 1},
		{"iframe and form", `<iframe src="https://x"></iframe><form action="https://x"><input name="p"></form>`, []string{"<iframe> element", "<form> element", "<input> element"}, 1},
		{"element split by a branch", `<scr{{if .Link}}{{end}}ipt>alert(1)</script>`, []string{"<script> element"}, 1},
		{"script only in a branch the sample skips", "<p>x</p>\n{{if eq .Text \"never\"}}\n<svg onload=alert(1)>{{end}}", []string{"html, line 3", "onload attribute on <svg>"}, 3},
		{"style expression", `<p style="width: expression(alert(1))">x</p>`, []string{"script in the style of <p>"}, 1},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://x">`, []string{`<meta http-equiv="refresh">`}, 1},
		{"base", `<base href="https://evil.example/">`, []string{"<base> element"}, 1},
		{"svg animate turning a link into script", `<svg><a href="https://x"><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>`, []string{"<animate> element"}, 1},
		{"svg set turning a link into script", "<p>x</p>\n<svg><a><set attributeName=\"href\" to=\"javascript:alert(1)\"/></a></svg>", []string{"html, line 2", "<set> element"}, 2},
		{"svg animateTransform", `<svg><rect><animateTransform attributeName="transform" type="rotate"/></rect></svg>`, []string{"<animatetransform> element"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tpl := email(tc.html)
			err := Validate(tpl)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				r, err := tpl.Render(Sample("en"))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(r.HTML, `<p style="color:#333">Hi `) || !strings.Contains(r.HTML, `<img src="cid:logo" alt="logo">`) {
					t.Errorf("clean markup changed: %s", r.HTML)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want an *Error wrapping ErrInvalid", err)
			}
			if e.Part != "html" || e.Line != tc.line {
				t.Errorf("part %q line %d, want html line %d", e.Part, e.Line, tc.line)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestRenderRefusesStoredScript shows that a part saved before parts were
// checked cannot send script either.
func TestRenderRefusesStoredScript(t *testing.T) {
	tpl := Template{Name: "old", Locale: "en", Kind: Email, Subject: "s", Body: "b",
		HTML: `<p>Hi {{name}}</p>{{if .Link}}<img src=x onerror=alert(1)>{{end}}`}
	if _, err := tpl.Render(Data{}); err != nil {
		t.Fatalf("the branch without markup renders: %v", err)
	}
	_, err := tpl.Render(Data{Link: "https://x"})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "onerror attribute on <img>") {
		t.Fatalf("got %v", err)
	}
}
