package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
)

// teamSettings registers the settings pages of teams: the list with the
// channels' routing, and each team's page (rename, members, delete).
func (u *ui) teamSettings(p pageRoutes) {
	p.admin("GET /settings/teams", u.teamsPage)
	p.admin("POST /settings/teams", u.createTeamForm)
	p.admin("POST /settings/teams/routes", u.routeChannelsForm)
	p.admin("GET /settings/teams/{id}", u.teamPage)
	p.admin("POST /settings/teams/{id}", u.renameTeamForm)
	p.admin("POST /settings/teams/{id}/members", u.addMemberForm)
	p.admin("POST /settings/teams/{id}/members/{user}/remove", u.removeMemberForm)
	p.admin("POST /settings/teams/{id}/delete", u.deleteTeamForm)
}

// teamsView is the teams list: every team, every channel with its team,
// and the create form.
type teamsView struct {
	Teams   []inbox.TeamSummary
	Routes  []inbox.TeamChannelRoute
	Form    form
	Deleted string
}

// teamsPage is GET /settings/teams.
func (u *ui) teamsPage(w http.ResponseWriter, r *http.Request) {
	u.showTeams(w, r, http.StatusOK, newForm(r, nil))
}

func (u *ui) showTeams(w http.ResponseWriter, r *http.Request, status int, f form) {
	ts, err := u.Inbox.TeamSummaries(r.Context())
	var routes []inbox.TeamChannelRoute
	if err == nil {
		routes, err = u.Inbox.ChannelRoutes(r.Context())
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := teamsView{Teams: ts, Routes: routes, Form: f, Deleted: r.URL.Query().Get("deleted")}
	u.settingsPage(w, r, status, "settings_teams", "settings.teams", "settings.teams", v)
}

// createTeamForm is POST /settings/teams: name.
func (u *ui) createTeamForm(w http.ResponseWriter, r *http.Request) {
	id, err := u.Inbox.AddTeam(r.Context(), userOf(r).ID, r.PostFormValue("name"))
	if err != nil {
		u.showTeams(w, r, formStatus(err), newForm(r, err))
		return
	}
	back(w, r, fmt.Sprintf("/settings/teams/%d", id))
}

// routeChannelsForm is POST /settings/teams/routes: team_CHANNEL = a team
// id or 0 for each channel; the changed ones are saved together, each
// change audited, or none when one is refused.
func (u *ui) routeChannelsForm(w http.ResponseWriter, r *http.Request) {
	routes, err := u.Inbox.ChannelRoutes(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	_ = r.ParseForm()
	changed := map[int64]int64{}
	var bad []error
	for _, ch := range routes {
		v, ok := r.PostForm[fmt.Sprintf("team_%d", ch.ID)]
		if !ok {
			continue
		}
		team, perr := strconv.ParseInt(strings.TrimSpace(crm.FoldDigits(v[0])), 10, 64)
		if perr != nil || team < 0 {
			bad = append(bad, channels.Invalid(fmt.Sprintf("team_%d", ch.ID), "teams.error.team", "not a team"))
			continue
		}
		if team != ch.TeamID {
			changed[ch.ID] = team
		}
	}
	err = errors.Join(bad...)
	if err == nil && len(changed) > 0 {
		err = u.Inbox.RouteChannels(r.Context(), userOf(r).ID, changed)
	}
	if err != nil {
		u.showTeams(w, r, formStatus(err), newForm(r, err))
		return
	}
	back(w, r, "/settings/teams")
}

// teamView is one team's page.
type teamView struct {
	Team    inbox.TeamSummary
	Others  []inbox.Agent // users not in the team, to add
	Form    form
	Deleted int
}

// teamPage is GET /settings/teams/{id}.
func (u *ui) teamPage(w http.ResponseWriter, r *http.Request) {
	u.showTeam(w, r, http.StatusOK, newForm(r, nil))
}

func (u *ui) showTeam(w http.ResponseWriter, r *http.Request, status int, f form) {
	id, err := pathID(r)
	var v teamView
	if err == nil {
		v.Team, err = u.Inbox.TeamSummaryByID(r.Context(), id)
	}
	var users []inbox.Agent
	if err == nil {
		users, err = u.Inbox.Agents(r.Context())
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	in := map[int64]bool{}
	for _, m := range v.Team.Members {
		in[m.ID] = true
	}
	for _, a := range users {
		if !in[a.ID] && a.Active {
			v.Others = append(v.Others, a)
		}
	}
	if _, ok := f.Values["name"]; !ok {
		f.Values["name"] = v.Team.Name
	}
	v.Form = f
	u.settingsPage(w, r, status, "settings_team", "settings.teams", "settings.teams", v)
}

// teamForm wraps a change to team {id}: on error the team's page shows
// the reasons, else it is shown afresh.
func (u *ui) teamForm(do func(r *http.Request, team int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err == nil {
			err = do(r, id)
		}
		if err != nil {
			if len(channels.FieldErrors(err)) == 0 && formStatus(err) != http.StatusUnprocessableEntity {
				u.fail(w, r, err)
				return
			}
			u.showTeam(w, r, formStatus(err), newForm(r, err))
			return
		}
		back(w, r, fmt.Sprintf("/settings/teams/%d", id))
	}
}

// renameTeamForm is POST /settings/teams/{id}: name.
func (u *ui) renameTeamForm(w http.ResponseWriter, r *http.Request) {
	u.teamForm(func(r *http.Request, id int64) error {
		return u.Inbox.RenameTeam(r.Context(), userOf(r).ID, id, r.PostFormValue("name"))
	})(w, r)
}

// addMemberForm is POST /settings/teams/{id}/members: user_id.
func (u *ui) addMemberForm(w http.ResponseWriter, r *http.Request) {
	u.teamForm(func(r *http.Request, id int64) error {
		user, err := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
		if err != nil || user <= 0 {
			return channels.Invalid("user_id", "teams.error.user", "choose a user")
		}
		return u.Inbox.SetTeamMember(r.Context(), userOf(r).ID, id, user, true)
	})(w, r)
}

// removeMemberForm is POST /settings/teams/{id}/members/{user}/remove.
func (u *ui) removeMemberForm(w http.ResponseWriter, r *http.Request) {
	u.teamForm(func(r *http.Request, id int64) error {
		user, err := parseID("user", r.PathValue("user"))
		if err != nil {
			return err
		}
		return u.Inbox.SetTeamMember(r.Context(), userOf(r).ID, id, user, false)
	})(w, r)
}

// deleteTeamForm is POST /settings/teams/{id}/delete: the team goes, its
// conversations stay without a team; the list then says how many.
func (u *ui) deleteTeamForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var n int
	if err == nil {
		n, err = u.Inbox.DeleteTeam(r.Context(), userOf(r).ID, id)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, fmt.Sprintf("/settings/teams?deleted=%d", n))
}

func init() {
	addPages("settings_teams", "settings_team")
}
