package web

import "net/http"

// uiRoutes registers the agent web app: login, the inbox, conversations,
// contacts and the event stream.
func (s *Server) uiRoutes(mux *http.ServeMux) {}
