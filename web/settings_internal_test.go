package web

import "testing"

// TestTemplateProblemsTranslated: every code a templates.Error carries
// has a sentence in the catalogue.
func TestTemplateProblemsTranslated(t *testing.T) {
	for _, code := range []string{"syntax", "unknown_field", "attribute", "unknown_function", "unclosed",
		"html_context", "unsafe_html", "empty", "parts", "too_long", "encoding", "id", "run"} {
		if _, ok := messages["templates.problem."+code]; !ok {
			t.Errorf("templates.problem.%s is not in the catalogue", code)
		}
	}
}
