package web

import (
	"net/http"
	"strconv"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/templates/canned"
	"github.com/peykhq/peyk/web/auth"
)

// contentRoutes registers the API of canned responses, tags and the
// preview of templates: agents read, admins change.
func (s *Server) contentRoutes(mux *http.ServeMux) {
	agent, admin := auth.RoleAgent, auth.RoleAdmin
	if s.Templates != nil {
		s.handle(mux, admin, "POST /api/v1/templates/{name}/{locale}/{kind}/preview", s.previewTemplate)
	}
	if s.Canned != nil {
		s.handle(mux, agent, "GET /api/v1/canned", s.listCanned)
		s.handle(mux, agent, "GET /api/v1/canned/{id}", s.getCanned)
		s.handle(mux, admin, "POST /api/v1/canned", s.saveCanned)
		s.handle(mux, admin, "PUT /api/v1/canned/{id}", s.saveCanned)
		s.handle(mux, admin, "DELETE /api/v1/canned/{id}", s.deleteCanned)
	}
	if s.Tags != nil {
		s.handle(mux, agent, "GET /api/v1/tags", s.listTags)
		s.handle(mux, admin, "POST /api/v1/tags/rename", s.renameTag)
		s.handle(mux, admin, "POST /api/v1/tags/merge", s.mergeTag)
		s.handle(mux, admin, "PUT /api/v1/tags/{name}/colour", s.colourTag)
		s.handle(mux, admin, "DELETE /api/v1/tags/{name}", s.deleteTag)
	}
}

// previewTemplate renders a template as sent in the body ({"subject",
// "body", "html"}) for the sample contact of its language, without
// saving it: 200 with {"subject", "text", "html", "locale"}, or 400 with
// why it would be refused.
func (s *Server) previewTemplate(w http.ResponseWriter, r *http.Request) {
	t, err := templateBody(r)
	if err == nil {
		err = templates.Validate(t)
	}
	var out templates.Rendered
	if err == nil {
		out, err = t.Render(templates.Sample(t.Locale))
	}
	s.respond(w, http.StatusOK, map[string]string{"subject": out.Subject, "text": out.Text, "html": out.HTML, "locale": out.Locale}, err)
}

// listedCanned is a canned response in the API's list: all of it, and
// the text offered in the language asked for.
type listedCanned struct {
	canned.Response
	Locale string `json:"locale"`
	Text   string `json:"text"`
}

// listCanned lists the canned responses, each with the text in the
// language of ?locale=, else of the contact ?contact_id=, else the
// caller's — falling back to the caller's, then to the one it has.
func (s *Server) listCanned(w http.ResponseWriter, r *http.Request) {
	want, err := s.cannedLocale(r)
	if err != nil {
		s.respond(w, 0, nil, err)
		return
	}
	all, err := s.Canned.List(r.Context())
	out := make([]listedCanned, 0, len(all))
	for _, c := range all {
		o := c.Offer(want, userOf(r).Locale)
		out = append(out, listedCanned{Response: c, Locale: o.Locale, Text: o.Text})
	}
	s.respond(w, http.StatusOK, map[string]any{"canned": out}, err)
}

func (s *Server) getCanned(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var c canned.Response
	if err == nil {
		c, err = s.Canned.Get(r.Context(), id)
	}
	s.respond(w, http.StatusOK, c, err)
}

// saveCanned creates (POST) or replaces (PUT …/{id}) a canned response
// from {"title", "body_fa", "body_en", "shortcut"}.
func (s *Server) saveCanned(w http.ResponseWriter, r *http.Request) {
	var in canned.Response
	if err := decode(r, &in); err != nil {
		s.respond(w, 0, nil, err)
		return
	}
	var out canned.Response
	var err error
	status := http.StatusOK
	if id := r.PathValue("id"); id != "" {
		if in.ID, err = pathID(r); err != nil {
			s.respond(w, 0, nil, err)
			return
		}
		out, err = s.Canned.Update(r.Context(), userOf(r).ID, in)
	} else {
		status = http.StatusCreated
		out, err = s.Canned.Create(r.Context(), userOf(r).ID, in)
	}
	s.respond(w, status, out, err)
}

func (s *Server) deleteCanned(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.Canned.Delete(r.Context(), userOf(r).ID, id)
	}
	s.respond(w, http.StatusNoContent, nil, err)
}

func (s *Server) listTags(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Tags.List(r.Context())
	s.respond(w, http.StatusOK, map[string]any{"tags": ts}, err)
}

// renameTag renames {"from"} to {"to"} on every contact and conversation.
func (s *Server) renameTag(w http.ResponseWriter, r *http.Request) {
	var in struct{ From, To string }
	err := decode(r, &in)
	if err == nil {
		err = s.Tags.Rename(r.Context(), userOf(r).ID, in.From, in.To)
	}
	s.respond(w, http.StatusNoContent, nil, err)
}

// mergeTag merges {"from"} into {"into"}.
func (s *Server) mergeTag(w http.ResponseWriter, r *http.Request) {
	var in struct{ From, Into string }
	err := decode(r, &in)
	if err == nil {
		err = s.Tags.Merge(r.Context(), userOf(r).ID, in.From, in.Into)
	}
	s.respond(w, http.StatusNoContent, nil, err)
}

// colourTag sets {"colour"} (one of the palette) of the tag {name}.
func (s *Server) colourTag(w http.ResponseWriter, r *http.Request) {
	var in struct{ Colour string }
	err := decode(r, &in)
	if err == nil {
		err = s.Tags.SetColour(r.Context(), userOf(r).ID, r.PathValue("name"), in.Colour)
	}
	s.respond(w, http.StatusNoContent, nil, err)
}

func (s *Server) deleteTag(w http.ResponseWriter, r *http.Request) {
	s.respond(w, http.StatusNoContent, nil, s.Tags.Delete(r.Context(), userOf(r).ID, r.PathValue("name")))
}

// cannedLocale is the language of the canned responses for a request:
// ?locale=, else the contact's of ?contact_id=, else the caller's.
func (s *Server) cannedLocale(r *http.Request) (string, error) {
	if l := r.URL.Query().Get("locale"); l != "" {
		return l, nil
	}
	id := r.URL.Query().Get("contact_id")
	if id == "" || s.Contacts == nil {
		return "", nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return "", channels.Invalid("contact_id", "error.field", "contact_id is not a number")
	}
	c, err := s.Contacts.Get(r.Context(), n)
	return c.Locale, err
}
