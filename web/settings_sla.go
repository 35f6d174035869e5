package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/templates"
)

// slaSettings registers the settings pages of SLA policies: the list
// with the official holidays, and the form of a new or existing policy.
func (u *ui) slaSettings(p pageRoutes) {
	p.admin("GET /settings/sla", u.slaPage)
	p.admin("GET /settings/sla/new", u.newPolicyPage)
	p.admin("POST /settings/sla", u.savePolicyForm)
	p.admin("GET /settings/sla/{id}", u.policyPage)
	p.admin("POST /settings/sla/{id}", u.savePolicyForm)
	p.admin("POST /settings/sla/{id}/delete", u.deletePolicyForm)
}

// slaView is the policies list.
type slaView struct {
	Policies []policyRow
	Years    []holidayYear
}

// policyRow is a policy with the name of its scope.
type policyRow struct {
	schedule.SLAPolicy
	Scope             string
	FirstMin, NextMin int
}

// holidayYear is one Jalali year's official holidays, and whether its
// lunar ones are in the table.
type holidayYear struct {
	Year     int
	Complete bool
	Holidays []holidayDay
}

type holidayDay struct {
	Date      time.Time
	Name      string
	Estimated bool // estimated from the moon, not from the official calendar
}

// slaPage is GET /settings/sla.
func (u *ui) slaPage(w http.ResponseWriter, r *http.Request) {
	ps, err := u.Inbox.SLAPolicies(r.Context())
	var sc scopes
	if err == nil {
		sc, err = u.scopes(r)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var v slaView
	for _, p := range ps {
		v.Policies = append(v.Policies, policyRow{p, sc.name(p), int(p.FirstResponse / time.Minute),
			int(p.NextResponse / time.Minute)})
	}
	fa := locale(r) == "fa"
	this := schedule.JalaliYear(time.Now().In(u.loc))
	for _, y := range []int{this, this + 1} {
		hy := holidayYear{Year: y, Complete: schedule.LunarHolidaysComplete(y)}
		for _, h := range schedule.OfficialHolidays(y) {
			d, _ := time.ParseInLocation(time.DateOnly, h.Date, u.loc)
			name := h.En
			if fa {
				name = h.Fa
			}
			hy.Holidays = append(hy.Holidays, holidayDay{d.Add(12 * time.Hour), name, h.Estimated})
		}
		v.Years = append(v.Years, hy)
	}
	u.settingsPage(w, r, http.StatusOK, "settings_sla", "settings.sla", "settings.sla", v)
}

// scopes are the teams and channels a policy can be for.
type scopes struct {
	Teams    []inbox.Team
	Channels []inbox.TeamChannelRoute
}

func (u *ui) scopes(r *http.Request) (scopes, error) {
	ts, err := u.Inbox.Teams(r.Context())
	if err != nil {
		return scopes{}, err
	}
	chs, err := u.Inbox.ChannelRoutes(r.Context())
	return scopes{ts, chs}, err
}

// name is what a policy's scope is called on the list.
func (sc scopes) name(p schedule.SLAPolicy) string {
	for _, t := range sc.Teams {
		if p.TeamID != nil && t.ID == *p.TeamID {
			return t.Name
		}
	}
	for _, c := range sc.Channels {
		if p.ChannelID != nil && c.ID == *p.ChannelID {
			return c.Name
		}
	}
	return ""
}

// policyView is a policy's form.
type policyView struct {
	ID     int64
	Form   form
	Scopes scopes
	Days   []string
}

// newPolicyPage is GET /settings/sla/new: the form with the defaults.
func (u *ui) newPolicyPage(w http.ResponseWriter, r *http.Request) {
	f := newForm(r, nil)
	f.Values = policyValues(schedule.DefaultSLAPolicy(), locale(r) == templates.Persian)
	u.showPolicy(w, r, http.StatusOK, 0, f)
}

// policyPage is GET /settings/sla/{id}.
func (u *ui) policyPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var p schedule.SLAPolicy
	if err == nil {
		p, err = u.Inbox.SLAPolicyByID(r.Context(), id)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := newForm(r, nil)
	f.Values = policyValues(p, locale(r) == templates.Persian)
	u.showPolicy(w, r, http.StatusOK, id, f)
}

func (u *ui) showPolicy(w http.ResponseWriter, r *http.Request, status int, id int64, f form) {
	sc, err := u.scopes(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if msg, ok := f.Errors["team_id"]; ok {
		f.Errors["scope"] = msg
	}
	if msg, ok := f.Errors["channel_id"]; ok {
		f.Errors["scope"] = msg
	}
	u.settingsPage(w, r, status, "settings_sla_policy", "settings.sla", "settings.sla",
		policyView{ID: id, Form: f, Scopes: sc, Days: schedule.WeekDays})
}

// savePolicyForm is POST /settings/sla (a new policy) and POST
// /settings/sla/{id}: the policy form's fields (policyFromForm).
func (u *ui) savePolicyForm(w http.ResponseWriter, r *http.Request) {
	var id int64
	var err error
	if r.PathValue("id") != "" {
		id, err = pathID(r)
	}
	var p schedule.SLAPolicy
	if err == nil {
		p, err = policyFromForm(r)
	}
	if err == nil {
		p.ID = id
		_, err = u.Inbox.SaveSLAPolicy(r.Context(), userOf(r).ID, p)
	}
	if err != nil {
		if errors.Is(err, inbox.ErrNotFound) {
			u.fail(w, r, err)
			return
		}
		u.showPolicy(w, r, formStatus(err), id, newForm(r, err))
		return
	}
	back(w, r, "/settings/sla")
}

// deletePolicyForm is POST /settings/sla/{id}/delete.
func (u *ui) deletePolicyForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = u.Inbox.DeleteSLAPolicy(r.Context(), userOf(r).ID, id)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, "/settings/sla")
}

// policyValues are a policy's form fields.
func policyValues(p schedule.SLAPolicy, jalali bool) map[string]string {
	on := func(b bool) string {
		if b {
			return "on"
		}
		return ""
	}
	scope := "global"
	switch {
	case p.TeamID != nil:
		scope = fmt.Sprintf("team:%d", *p.TeamID)
	case p.ChannelID != nil:
		scope = fmt.Sprintf("channel:%d", *p.ChannelID)
	}
	v := map[string]string{"name": p.Name, "scope": scope,
		"first_response_minutes": strconv.Itoa(int(p.FirstResponse / time.Minute)),
		"next_response_minutes":  strconv.Itoa(int(p.NextResponse / time.Minute)),
		"business_hours":         on(p.BusinessHours), "official_holidays": on(p.Calendar.OfficialHolidays),
		"pause_on_hold": on(p.PauseOnHold), "notify": on(p.Notify), "reassign": on(p.Reassign),
		"zone": p.Calendar.Zone, "holidays": strings.Join(holidayDays(p.Calendar.Holidays, jalali), "\n")}
	for _, d := range schedule.WeekDays {
		v["hours_"+d] = schedule.FormatSpans(p.Calendar.Week[d])
	}
	return v
}

// holidayDays are a policy's own holidays as its form shows them: Jalali
// dates on Persian pages (the form reads both calendars back).
func holidayDays(days []string, jalali bool) []string {
	if !jalali {
		return days
	}
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = d
		if j, ok := schedule.JalaliOf(d); ok {
			out[i] = j
		}
	}
	return out
}

// policyFromForm reads the policy form: name, scope ("global", "team:ID"
// or "channel:ID"), first_response_minutes, next_response_minutes (0 or
// empty: none), business_hours, hours_sat … hours_fri ("08:00-16:00",
// several separated by commas), zone, official_holidays, holidays (one
// date a line, Gregorian or Jalali), pause_on_hold, notify, reassign.
func policyFromForm(r *http.Request) (schedule.SLAPolicy, error) {
	_ = r.ParseForm()
	f := r.PostForm
	p := schedule.SLAPolicy{Name: f.Get("name"), BusinessHours: f.Get("business_hours") != "",
		PauseOnHold: f.Get("pause_on_hold") != "", Notify: f.Get("notify") != "", Reassign: f.Get("reassign") != ""}
	var errs []error
	minutes := func(field string) time.Duration {
		v := strings.TrimSpace(latin(f.Get(field)))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, channels.Invalid(field, "sla.error.minutes", "a whole number of minutes"))
		}
		return time.Duration(n) * time.Minute
	}
	p.FirstResponse, p.NextResponse = minutes("first_response_minutes"), minutes("next_response_minutes")
	kind, id, _ := strings.Cut(f.Get("scope"), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	switch {
	case kind == "global" || kind == "":
	case kind == "team" && err == nil:
		p.TeamID = &n
	case kind == "channel" && err == nil:
		p.ChannelID = &n
	default:
		errs = append(errs, channels.Invalid("scope", "sla.error.scope", "want global, team:ID or channel:ID"))
	}
	p.Calendar = schedule.Calendar{Zone: strings.TrimSpace(f.Get("zone")), Week: map[string][][2]string{},
		Holidays: schedule.ParseHolidays(f.Get("holidays")), OfficialHolidays: f.Get("official_holidays") != ""}
	for _, d := range schedule.WeekDays {
		if spans := schedule.ParseSpans(f.Get("hours_" + d)); len(spans) > 0 {
			p.Calendar.Week[d] = spans
		}
	}
	if len(errs) > 0 {
		errs = append(errs, p.Check()) // every fault at once
	}
	return p, errors.Join(errs...)
}

// latin turns Persian digits into Latin ones.
func latin(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '۰' && r <= '۹' {
			return '0' + r - '۰'
		}
		return r
	}, s)
}

func init() {
	addPages("settings_sla", "settings_sla_policy")
}
