package web

import (
	"net/http"

	"github.com/peykhq/peyk/templates"
)

// listTemplates returns every template: defaults, overrides and custom ones.
func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Templates.List(r.Context())
	s.respond(w, http.StatusOK, map[string]any{"templates": ts}, err)
}

// templateID reads {name}/{locale}/{kind} of the path.
func templateID(r *http.Request) (name, locale string, kind templates.Kind) {
	return r.PathValue("name"), r.PathValue("locale"), templates.Kind(r.PathValue("kind"))
}

func (s *Server) getTemplate(w http.ResponseWriter, r *http.Request) {
	name, locale, kind := templateID(r)
	t, err := s.Templates.Get(r.Context(), name, locale, kind)
	s.respond(w, http.StatusOK, t, err)
}

// templateBody reads the template of the path with the parts of the
// body, {"subject", "body", "html"}.
func templateBody(r *http.Request) (templates.Template, error) {
	name, locale, kind := templateID(r)
	var in struct {
		Subject string `json:"subject"`
		Body    string `json:"body"`
		HTML    string `json:"html"`
	}
	err := decode(r, &in)
	return templates.Template{Name: name, Locale: locale, Kind: kind, Subject: in.Subject, Body: in.Body, HTML: in.HTML}, err
}

// putTemplate stores an override (or a custom template) after validating
// it: a template naming an unknown field or function is 400.
func (s *Server) putTemplate(w http.ResponseWriter, r *http.Request) {
	in, err := templateBody(r)
	if err == nil {
		in.UpdatedBy = userOf(r).ID
		err = s.Templates.Save(r.Context(), in)
	}
	name, locale, kind := templateID(r)
	var t templates.Template
	if err == nil {
		t, err = s.Templates.Get(r.Context(), name, locale, kind)
	}
	s.respond(w, http.StatusOK, t, err)
}

// deleteTemplate removes an override, so the default applies again.
func (s *Server) deleteTemplate(w http.ResponseWriter, r *http.Request) {
	name, locale, kind := templateID(r)
	s.respond(w, http.StatusNoContent, nil, s.Templates.Reset(r.Context(), userOf(r).ID, name, locale, kind))
}
