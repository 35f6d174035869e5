package web_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestUIXSSInert: payloads in a mail's body, HTML and subject and in a
// contact's name reach the page escaped: no script but the app's own, no
// event-handler attribute, no javascript: URL; the mail HTML route serves
// the mail sanitized under its own strict policy.
func TestUIXSSInert(t *testing.T) {
	t.Parallel()
	e := newUIEnv(t, "en")
	pages := []string{"/?status=all", fmt.Sprintf("/conversations/%d", e.mailConv),
		fmt.Sprintf("/conversations/%d/timeline", e.mailConv), fmt.Sprintf("/contacts/%d", e.contact),
		"/contacts?q=sara", "/inbox/list?status=all&q=sara"}
	for _, path := range pages {
		t.Run(path, func(t *testing.T) {
			resp, body := e.get(path)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			checkInert(t, body)
		})
	}
	_, conv := e.get(fmt.Sprintf("/conversations/%d", e.mailConv))
	for _, escaped := range []string{
		"&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt;",  // subject
		"&lt;svg onload=alert(&#39;body&#39;)&gt;",               // body
		"&lt;img src=x onerror=alert(&#39;name&#39;)&gt;",        // contact name
		`&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;`, // breaking out of a textarea
	} {
		if !strings.Contains(conv, escaped) {
			t.Errorf("conversation page lacks the escaped %q", escaped)
		}
	}

	t.Run("mail html", func(t *testing.T) {
		resp, body := e.get(fmt.Sprintf("/conversations/%d/messages/%d/html", e.mailConv, e.mailMsg))
		if resp.StatusCode != 200 || !strings.Contains(body, "<p>Hello</p>") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		for _, bad := range []string{"<script", "onerror", "javascript:", "alert("} {
			if strings.Contains(body, bad) {
				t.Errorf("mail HTML keeps %q: %s", bad, body)
			}
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"sandbox", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "script-src") && !strings.Contains(csp, "script-src 'none'") {
			t.Errorf("CSP %q allows scripts", csp)
		}
	})
	t.Run("mail html of another conversation", func(t *testing.T) {
		resp, _ := e.get(fmt.Sprintf("/conversations/%d/messages/%d/html", e.chatConv, e.mailMsg))
		if resp.StatusCode != 404 {
			t.Errorf("%d", resp.StatusCode)
		}
	})
}

// checkInert fails when the page has a script other than /static/app.js,
// an event-handler attribute, a javascript: URL or an iframe that may run
// scripts.
func checkInert(t *testing.T, page string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		attrs := map[string]string{}
		for _, a := range tok.Attr {
			attrs[a.Key] = a.Val
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("event handler %s=%q on <%s>", a.Key, a.Val, tok.Data)
			}
			if v := strings.ToLower(strings.TrimSpace(a.Val)); (a.Key == "href" || a.Key == "src") && strings.HasPrefix(v, "javascript:") {
				t.Errorf("javascript: URL in <%s %s>", tok.Data, a.Key)
			}
		}
		switch tok.Data {
		case "script":
			if attrs["src"] != "/static/app.js" {
				t.Errorf("live script: %s", tok.String())
			}
		case "iframe":
			sandbox, ok := attrs["sandbox"]
			if !ok || strings.Contains(sandbox, "allow-scripts") || strings.Contains(sandbox, "allow-same-origin") {
				t.Errorf("iframe not sandboxed: %s", tok.String())
			}
		case "img", "svg", "embed", "object":
			t.Errorf("<%s> in the page: %s", tok.Data, tok.String())
		}
	}
}
