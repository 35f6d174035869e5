package web

import "net/http"

// Route is one authenticated API route: its pattern ("GET /api/v1/…") and
// the smallest role that may call it.
type Route struct {
	Pattern string
	Role    string
}

// handle registers h at pattern behind requireRole(role) and records the
// route, so that tests can walk every API route and check its permission.
func (s *Server) handle(mux *http.ServeMux, role, pattern string, h http.HandlerFunc) {
	s.routes = append(s.routes, Route{Pattern: pattern, Role: role})
	mux.HandleFunc(pattern, s.requireRole(role, h))
}

// Routes returns the authenticated routes the last Handler call
// registered.
func (s *Server) Routes() []Route {
	return append([]Route(nil), s.routes...)
}

// Pages returns the browser pages behind a session (the agent UI and the
// settings area) the last Handler call registered, so that tests can walk
// every admin page.
func (s *Server) Pages() []Route {
	return append([]Route(nil), s.pages...)
}
