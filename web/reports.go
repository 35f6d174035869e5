package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	ptime "github.com/yaa110/go-persian-calendar"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/web/auth"
)

// reportRoutes registers the service KPIs: the JSON and CSV API and the
// reports page. They are off without Reports. Managers are admins.
func (s *Server) reportRoutes(mux *http.ServeMux) {
	if s.Reports == nil {
		return
	}
	s.handle(mux, auth.RoleAdmin, "GET /api/v1/reports", s.report)
	s.handle(mux, auth.RoleAdmin, "GET /api/v1/reports/{name}", s.reportSection)
	s.handlePage(mux, auth.RoleAdmin, "GET /reports", s.reportsPage)
}

// report answers the whole report as JSON.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	q, err := reportQuery(r.URL.Query(), locale(r), time.Now())
	if err == nil {
		var rep *kpi.Report
		if rep, err = s.Reports.Report(r.Context(), q); err == nil {
			writeJSON(w, http.StatusOK, rep)
			return
		}
	}
	writeError(w, s.log, err)
}

// reportSection answers one section of the report (kpi.TableNames) as
// CSV when the name ends in .csv or format=csv, else as JSON rows.
func (s *Server) reportSection(w http.ResponseWriter, r *http.Request) {
	name, asCSV := strings.CutSuffix(r.PathValue("name"), ".csv")
	asCSV = asCSV || r.URL.Query().Get("format") == "csv"
	q, err := reportQuery(r.URL.Query(), locale(r), time.Now())
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	if _, ok := (&kpi.Report{}).Table(name); !ok {
		writeError(w, s.log, fmt.Errorf("no report %q (try %s): %w", name, strings.Join(kpi.TableNames(), ", "), crm.ErrNotFound))
		return
	}
	rep, err := s.Reports.Report(r.Context(), q)
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	t, _ := rep.Table(name)
	if !asCSV {
		writeJSON(w, http.StatusOK, map[string]any{"name": t.Name, "header": t.Header, "rows": t.Rows, "query": rep.Query})
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="peyk-%s-%s.csv"`, name,
		rep.Query.From.Format("20060102")))
	cw := csv.NewWriter(newProgressWriter(w, r))
	_ = cw.Write(t.Header)
	for _, row := range t.Rows {
		_ = cw.Write(inertCells(row)) // a write error means the client went away
	}
	cw.Flush()
}

// inertCells returns row with every cell that a spreadsheet would read as
// a formula (it starts with =, +, -, @, a tab or a carriage return; an
// agent's name, say) prefixed with an apostrophe. Numbers, negative ones
// included, are left as they are.
func inertCells(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = c
		if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			continue
		}
		if _, err := strconv.ParseFloat(c, 64); err != nil {
			out[i] = "'" + c
		}
	}
	return out
}

// reportQuery reads a report's parameters: from and to (the first and
// last day, inclusive, as 2026-03-20 or Jalali 1404-12-29 / 1404/12/29,
// Persian digits allowed; default the last 30 days), locale (fa or en;
// default the caller's), calendar, zone, channel, team, agent,
// business_hours (1 or true) and callback_hours.
func reportQuery(v url.Values, userLocale string, now time.Time) (kpi.Query, error) {
	q := kpi.Query{Locale: templates.Match(v.Get("locale"), userLocale), Calendar: v.Get("calendar"), Zone: v.Get("zone")}
	if q.Zone == "" {
		q.Zone = "Asia/Tehran"
	}
	loc, err := time.LoadLocation(q.Zone)
	if err != nil {
		return q, fmt.Errorf("zone %q: %w", q.Zone, crm.ErrInvalid)
	}
	today := now.In(loc)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	q.From, q.To = today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)
	if s := v.Get("from"); s != "" {
		if q.From, err = parseDay(s, loc); err != nil {
			return q, err
		}
	}
	if s := v.Get("to"); s != "" {
		if q.To, err = parseDay(s, loc); err != nil {
			return q, err
		}
		q.To = q.To.AddDate(0, 0, 1)
	}
	for _, f := range []struct {
		name string
		into *int64
	}{{"channel", &q.ChannelID}, {"team", &q.TeamID}, {"agent", &q.AgentID}} {
		if s := v.Get(f.name); s != "" && s != "0" {
			if *f.into, err = strconv.ParseInt(crm.FoldDigits(s), 10, 64); err != nil || *f.into < 0 {
				return q, fmt.Errorf("%s %q is not an id: %w", f.name, s, crm.ErrInvalid)
			}
		}
	}
	switch v.Get("business_hours") {
	case "", "0", "false", "off":
	case "1", "true", "on":
		q.BusinessHours = true
	default:
		return q, fmt.Errorf("business_hours %q (want true or false): %w", v.Get("business_hours"), crm.ErrInvalid)
	}
	if s := v.Get("callback_hours"); s != "" {
		if q.CallbackHours, err = strconv.Atoi(crm.FoldDigits(s)); err != nil || q.CallbackHours < 1 {
			return q, fmt.Errorf("callback_hours %q (want a number of hours): %w", s, crm.ErrInvalid)
		}
	}
	return q, nil
}

// parseDay reads a day as 2026-03-20 (years 1900 to 2999), or in the
// Jalali calendar when its year is before 1700 (1404-12-29, 1404/12/29;
// years from 1300), and returns its midnight in loc.
func parseDay(s string, loc *time.Location) (time.Time, error) {
	f := strings.Split(strings.ReplaceAll(crm.FoldDigits(strings.TrimSpace(s)), "/", "-"), "-")
	bad := fmt.Errorf("day %q (want 2026-03-20 or 1404/12/29): %w", s, crm.ErrInvalid)
	if len(f) != 3 {
		return time.Time{}, bad
	}
	var n [3]int
	for i, part := range f {
		var err error
		if n[i], err = strconv.Atoi(part); err != nil {
			return time.Time{}, bad
		}
	}
	y, m, d := n[0], n[1], n[2]
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, bad
	}
	if y < 1700 {
		if y < 1300 || (m > 6 && d > 30) {
			return time.Time{}, bad
		}
		return ptime.Date(y, ptime.Month(m), d, 0, 0, 0, 0, loc).Time(), nil
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if y < 1900 || y > 2999 || t.Day() != d {
		return time.Time{}, bad
	}
	return t, nil
}
