package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/audit"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/web/auth"
)

// auditSettings registers the settings pages of the audit log.
func (u *ui) auditSettings(p pageRoutes) {
	if u.Accounts == nil {
		return
	}
	p.admin("GET /settings/audit", u.auditPage)
}

// auditView is what tmpl/settings_audit.html renders.
type auditView struct {
	Rows   []auditRow
	People []auth.Person
	// Form holds the filters as typed and the reason beside a bad one.
	Form form
	// Actions are the known actions, for the action filter's list.
	Actions []auditChoice
	// Subjects are the subject types the filter offers.
	Subjects []auditChoice
	// Next links the next page; empty on the last.
	Next string
}

// auditChoice is one option of a filter: its value and label.
type auditChoice struct{ Value, Label string }

// auditRow is one event as the page shows it.
type auditRow struct {
	At                    time.Time
	Who, Action, Subject  string
	RawAction, SubjectRef string
	Details               string
}

// auditPage lists the audit log, newest first, filtered by the GET form.
func (u *ui) auditPage(w http.ResponseWriter, r *http.Request) {
	tr := translator{fa: locale(r) == templates.Persian}
	v := auditView{Form: form{Values: map[string]string{}, Errors: map[string]string{}}}
	params := r.URL.Query()
	for _, k := range []string{"actor", "action", "subject_type", "from", "to"} {
		v.Form.Values[k] = params.Get(k)
	}
	status := http.StatusOK
	q, err := auditQuery(params)
	if err != nil {
		status = formStatus(err)
		for _, fe := range channels.FieldErrors(err) {
			v.Form.Errors[fe.Field] = tr.t(fe.Reason)
		}
		q = audit.Query{}
	}
	page, err := u.Accounts.AuditLog(r.Context(), q)
	if err == nil {
		v.People, err = u.Accounts.People(r.Context())
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, e := range page.Events {
		v.Rows = append(v.Rows, newAuditRow(tr, e))
	}
	if page.Next != "" {
		next := url.Values{}
		for k, val := range params {
			next[k] = val
		}
		next.Set("after", page.Next)
		v.Next = "/settings/audit?" + next.Encode()
	}
	for _, a := range auditActions {
		v.Actions = append(v.Actions, auditChoice{a, auditLabel(tr, a)})
	}
	for _, s := range append(append([]string(nil), audit.Subjects...), audit.AllSubjects) {
		v.Subjects = append(v.Subjects, auditChoice{s, tr.t("audit.subject." + strings.ReplaceAll(s, "*", "all"))})
	}
	u.settingsPage(w, r, status, "settings_audit", "settings.audit", "settings.audit", v)
}

// auditQuery reads the log's filters (page and API alike): actor (a user
// id or "system"), action, subject_type, from and to (days, inclusive, as
// 2026-03-20 or Jalali 1404/12/29, in Tehran's time), after and limit.
// Bad ones are field errors.
func auditQuery(v url.Values) (audit.Query, error) {
	q := audit.Query{Action: strings.TrimSpace(v.Get("action")), SubjectType: strings.TrimSpace(v.Get("subject_type")),
		After: v.Get("after")}
	var bad []error
	switch actor := strings.TrimSpace(crm.FoldDigits(v.Get("actor"))); actor {
	case "":
	case "system":
		q.System = true
	default:
		id, err := strconv.ParseInt(actor, 10, 64)
		if err != nil || id <= 0 {
			bad = append(bad, channels.Invalid("actor", "error.field", fmt.Sprintf("actor %q (want a user id or system)", actor)))
		}
		q.ActorID = id
	}
	tehran := templates.Tehran()
	for _, d := range []struct {
		name string
		into *time.Time
		add  int
	}{{"from", &q.From, 0}, {"to", &q.To, 1}} {
		if s := strings.TrimSpace(v.Get(d.name)); s != "" {
			day, err := parseDay(s, tehran)
			if err != nil {
				bad = append(bad, channels.Invalid(d.name, "audit.error.day", err.Error()))
				continue
			}
			*d.into = day.AddDate(0, 0, d.add)
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(crm.FoldDigits(s))
		if err != nil || n < 1 {
			bad = append(bad, channels.Invalid("limit", "error.field", fmt.Sprintf("limit %q (want 1 to %d)", s, audit.MaxLimit)))
		}
		q.Limit = n
	}
	if len(bad) > 0 {
		return q, fmt.Errorf("audit log filters: %w", errors.Join(bad...))
	}
	return q, nil
}

// AuditQuery reads the audit log's filters as the page and the API do,
// for the command line (peyk audit).
func AuditQuery(v url.Values) (audit.Query, error) { return auditQuery(v) }

// ParseDay reads a day as the pages do (2026-03-20, or Jalali
// 1404/12/29 with Persian digits allowed) as its midnight in loc, for the
// command line.
func ParseDay(s string, loc *time.Location) (time.Time, error) { return parseDay(s, loc) }

// newAuditRow renders an event for the page in tr's language.
func newAuditRow(tr translator, e audit.Entry) auditRow {
	row := auditRow{At: e.At, Who: e.ActorName, Action: auditLabel(tr, e.Action), RawAction: e.Action}
	if e.ActorID == nil {
		row.Who = tr.t("audit.system")
	}
	id := strconv.FormatInt(e.SubjectID, 10)
	if tr.fa {
		id = crm.PersianDigits(id)
	}
	row.Subject = tr.t("audit.subject."+e.SubjectType) + " #" + id
	if _, ok := messages["audit.subject."+e.SubjectType]; !ok {
		row.Subject = e.SubjectType + " #" + id
	}
	if e.SubjectType == "setting" {
		row.Subject = tr.t("audit.subject.setting")
	}
	if e.SubjectName != "" {
		row.Subject += " · " + e.SubjectName
	}
	switch e.SubjectType {
	case "user":
		row.SubjectRef = fmt.Sprintf("/settings/people/%d", e.SubjectID)
	case "contact":
		row.SubjectRef = fmt.Sprintf("/contacts/%d", e.SubjectID)
	case "conversation":
		row.SubjectRef = fmt.Sprintf("/conversations/%d", e.SubjectID)
	}
	row.Details = auditDetails(e.Data)
	return row
}

// auditDetails writes an event's data as "key: value" pairs by key.
func auditDetails(data json.RawMessage) string {
	var m map[string]any
	if json.Unmarshal(data, &m) != nil || len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		val := m[k]
		if pair, ok := val.([]any); ok && len(pair) == 2 { // a change: before → after
			val = fmt.Sprintf("%v → %v", pair[0], pair[1])
		}
		js, _ := json.Marshal(val)
		parts = append(parts, k+": "+strings.Trim(string(js), `"`))
	}
	return strings.Join(parts, " · ")
}

// auditLabel names an action in tr's language: its own label, else its
// subject and verb ("Channel: updated") when both are known, else the
// action itself.
func auditLabel(tr translator, action string) string {
	if _, ok := messages["audit.action."+action]; ok {
		return tr.t("audit.action." + action)
	}
	noun, verb, _ := strings.Cut(action, ".")
	_, knownNoun := messages["audit.noun."+noun]
	_, knownVerb := messages["audit.verb."+verb]
	if knownNoun && knownVerb {
		return tr.t("audit.noun."+noun) + ": " + tr.t("audit.verb."+verb)
	}
	return action
}
