package web

import (
	"context"
	"net/http"

	"github.com/peykhq/peyk/web/auth"
)

// Accounts creates users for the API (auth.Store implements it).
type Accounts interface {
	CreateUser(ctx context.Context, nu auth.NewUser) (auth.User, error)
	people
}

// apiRoutes registers the REST API under /api/v1 beyond channels:
// conversations, messages, contacts, users, schedules and templates. Each
// group is off while its dependency is nil. Agents may do everything an
// agent does in the UI, merges included (they are audited and can be
// undone); creating users and changing templates is for admins.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	agent, admin := auth.RoleAgent, auth.RoleAdmin
	if s.Inbox != nil {
		s.handle(mux, agent, "GET /api/v1/conversations", s.listConversations)
		s.handle(mux, agent, "GET /api/v1/conversations/{id}", s.getConversation)
		s.handle(mux, agent, "POST /api/v1/conversations/{id}/assign", s.assignConversation)
		s.handle(mux, agent, "POST /api/v1/conversations/{id}/status", s.setConversationStatus)
		s.handle(mux, agent, "POST /api/v1/conversations/{id}/priority", s.setConversationPriority)
		s.handle(mux, agent, "POST /api/v1/conversations/{id}/tags", s.tagConversation)
		s.handle(mux, agent, "POST /api/v1/conversations/{id}/team", s.setConversationTeam)
		s.handle(mux, agent, "POST /api/v1/conversations/{id}/read", s.markConversationRead)
		s.handle(mux, agent, "GET /api/v1/conversations/{id}/messages", s.listMessages)
		s.handle(mux, agent, "POST /api/v1/conversations/{id}/messages", s.replyMessage)
		s.handle(mux, agent, "POST /api/v1/conversations/{id}/notes", s.addNote)
		s.handle(mux, agent, "GET /api/v1/users", s.listUsers)
		s.handle(mux, agent, "GET /api/v1/teams", s.listTeams)
		s.handle(mux, agent, "GET /api/v1/me", s.getMe)
		s.handle(mux, agent, "PATCH /api/v1/me", s.updateMe)
		s.handle(mux, agent, "GET /api/v1/schedules", s.listSchedules)
		s.handle(mux, agent, "POST /api/v1/schedules", s.createSchedule)
		s.handle(mux, agent, "PATCH /api/v1/schedules/{id}", s.reschedule)
		s.handle(mux, agent, "DELETE /api/v1/schedules/{id}", s.cancelSchedule)
		s.handle(mux, admin, "GET /api/v1/settings", s.listSettings)
		s.handle(mux, admin, "PUT /api/v1/settings/{key}", s.putSetting)
		s.handle(mux, agent, "GET /api/v1/teams/{id}", s.getTeam)
		s.handle(mux, admin, "POST /api/v1/teams", s.createTeam)
		s.handle(mux, admin, "PATCH /api/v1/teams/{id}", s.renameTeam)
		s.handle(mux, admin, "DELETE /api/v1/teams/{id}", s.deleteTeam)
		s.handle(mux, admin, "PUT /api/v1/teams/{id}/members/{user}", s.teamMember)
		s.handle(mux, admin, "DELETE /api/v1/teams/{id}/members/{user}", s.teamMember)
		s.handle(mux, admin, "PUT /api/v1/teams/{id}/channels/{channel}", s.teamChannel)
		s.handle(mux, admin, "DELETE /api/v1/teams/{id}/channels/{channel}", s.teamChannel)
		s.handle(mux, admin, "GET /api/v1/sla-policies", s.listPolicies)
		s.handle(mux, admin, "POST /api/v1/sla-policies", s.createPolicy)
		s.handle(mux, admin, "GET /api/v1/sla-policies/{id}", s.getPolicy)
		s.handle(mux, admin, "PATCH /api/v1/sla-policies/{id}", s.updatePolicy)
		s.handle(mux, admin, "DELETE /api/v1/sla-policies/{id}", s.deletePolicy)
		s.handle(mux, agent, "GET /api/v1/holidays", s.listHolidays)
	}
	if s.Accounts != nil {
		s.handle(mux, admin, "POST /api/v1/users", s.createUser)
		s.peopleAPI(mux)
	}
	if s.Inbox != nil && s.Contacts != nil {
		s.handle(mux, agent, "GET /api/v1/contacts", s.searchContacts)
		s.handle(mux, agent, "GET /api/v1/contacts/{id}", s.getContact)
		s.handle(mux, agent, "GET /api/v1/contacts/{id}/timeline", s.contactTimeline)
		s.handle(mux, agent, "PATCH /api/v1/contacts/{id}", s.updateContact)
		s.handle(mux, agent, "POST /api/v1/contacts/{id}/tags", s.tagContact)
		s.handle(mux, agent, "POST /api/v1/contacts/{id}/merge", s.mergeContact)
		s.handle(mux, agent, "POST /api/v1/contacts/{id}/unmerge", s.unmergeContact)
	}
	if s.Templates != nil {
		s.handle(mux, agent, "GET /api/v1/templates", s.listTemplates)
		s.handle(mux, agent, "GET /api/v1/templates/{name}/{locale}/{kind}", s.getTemplate)
		s.handle(mux, admin, "PUT /api/v1/templates/{name}/{locale}/{kind}", s.putTemplate)
		s.handle(mux, admin, "DELETE /api/v1/templates/{name}/{locale}/{kind}", s.deleteTemplate)
	}
	s.contentRoutes(mux)
}

// respond answers with v as JSON and status, or with the error.
func (s *Server) respond(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, v)
}
