package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	ptime "github.com/yaa110/go-persian-calendar"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/templates"
)

// reportView is what tmpl/reports.html renders.
type reportView struct {
	Report  *kpi.Report
	Choices kpi.Choices
	// From and To are the filter form's days in the page's calendar.
	From, To string
	Error    string
	Charts   []reportChart
	Cards    []reportCard
	// CSV links each section's export with the same filters.
	CSV []reportLink
}

// reportChart is one titled SVG chart of the page.
type reportChart struct {
	Title string
	SVG   template.HTML
}

// reportCard is one headline number.
type reportCard struct{ Label, Value, Note string }

// reportLink is a link with its text.
type reportLink struct{ Text, URL string }

// reportsPage renders the reports page: the filters as a GET form, the
// headline numbers, charts and the per-agent table, in the caller's
// language and calendar.
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	lang := templates.Match(r.URL.Query().Get("locale"), locale(r))
	tr := reportText{fa: lang == templates.Persian}
	view := reportView{}
	q, err := reportQuery(r.URL.Query(), lang, time.Now())
	if err == nil {
		view.Report, err = s.Reports.Report(r.Context(), q)
	}
	if err != nil {
		status, msg := pageError(err, translator(tr))
		if status >= http.StatusInternalServerError {
			s.writePageError(w, r, lang, err)
			return
		}
		view.Error = msg // the kind of error, never its English text
		if status == http.StatusBadRequest {
			view.Error = tr.t("bad_query")
		}
		q, _ = reportQuery(url.Values{}, lang, time.Now())
		if view.Report, err = s.Reports.Report(r.Context(), q); err != nil {
			s.writePageError(w, r, lang, err)
			return
		}
	}
	if view.Choices, err = s.Reports.Choices(r.Context()); err != nil {
		s.writePageError(w, r, lang, err)
		return
	}
	view.fill(tr, r.URL.Query())
	tz, _ := time.LoadLocation(view.Report.Query.Zone)
	view.From, view.To = tr.day(view.Report.Query.From, tz), tr.day(view.Report.Query.To.AddDate(0, 0, -1), tz)
	t, err := reportTemplate(lang, tz, s.Kinds)
	if err != nil {
		s.writePageError(w, r, lang, fmt.Errorf("web: report page: %w", err))
		return
	}
	d := pageData{Locale: lang, Dir: "ltr", Title: tr.t("title"), Nav: "reports", Page: "reports",
		CSRF: csrfToken(r), User: userOf(r), Back: r.URL.RequestURI(), View: view}
	if tr.fa {
		d.Dir = "rtl"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := t.ExecuteTemplate(w, "layout.html", d); err != nil {
		s.log.Error("render report page", "err", err)
	}
}

// reportTemplate parses the UI's layout with the reports page for lang.
func reportTemplate(lang string, tz *time.Location, kinds *channels.Registry) (*template.Template, error) {
	tr := reportText{fa: lang == templates.Persian}
	t, err := template.New("layout.html").Funcs(uiFuncs(lang, tz, kinds)).Funcs(template.FuncMap{
		"rt":      tr.t,
		"pct":     func(f float64) float64 { return 100 * f },
		"deref64": func(f *float64) float64 { return *f },
	}).
		ParseFS(uiFiles, "tmpl/layout.html", "tmpl/parts.html", "tmpl/reports.html")
	if err != nil {
		return nil, fmt.Errorf("web: reports view: %w", err)
	}
	return t, nil
}

// fill derives the cards, charts and CSV links from the report.
func (v *reportView) fill(tr reportText, params url.Values) {
	rep := v.Report
	digits := func(s string) string { return s }
	if tr.fa {
		digits = crm.PersianDigits
	}
	n := func(i int) string { return digits(fmt.Sprint(i)) }
	v.Cards = []reportCard{
		{tr.t("requests"), n(rep.Requests.Total), tr.t("customers") + ": " + n(rep.Requests.Customers)},
		{tr.t("first_response"), tr.duration(rep.FirstResponse.AverageSeconds),
			"p90 " + tr.duration(rep.FirstResponse.P90Seconds) + " · " + tr.t("pending") + ": " + n(rep.FirstResponse.Pending)},
		{tr.t("resolution"), tr.duration(rep.Resolution.AverageSeconds), "p90 " + tr.duration(rep.Resolution.P90Seconds)},
		{tr.t("exchanges"), digits(fmt.Sprintf("%.2f", rep.Exchanges.Average)), ""},
		{tr.t("calls"), n(rep.Calls.Received), fmt.Sprintf("%s %s · %s %s · %s %s", tr.t("answered"), n(rep.Calls.Answered),
			tr.t("missed"), n(rep.Calls.Missed), tr.t("outgoing"), n(rep.Calls.Outgoing))},
		{tr.t("not_called_back"), n(rep.Calls.NotCalledBack), tr.t("within") + " " + n(rep.Calls.CallbackHours) + " " + tr.t("hours")},
		{tr.t("breaches"), n(rep.SLA.Breaches), tr.t("reassignments") + ": " + n(rep.SLA.Reassignments)},
		{tr.t("backlog"), n(rep.Backlog.Open + rep.Backlog.Pending + rep.Backlog.Snoozed),
			fmt.Sprintf("%s %s · %s %s", tr.t("waiting"), n(rep.Backlog.Waiting), tr.t("pending"), n(rep.Backlog.Pending))},
	}
	bars := func(title string, buckets []kpi.Bucket, line bool) reportChart {
		pts := make([]point, len(buckets))
		for i, b := range buckets {
			pts[i] = point{Label: b.Label, Value: float64(b.Count)}
		}
		return reportChart{Title: title, SVG: chart{Title: title, Line: line, Digits: digits}.SVG(pts)}
	}
	v.Charts = []reportChart{
		bars(tr.t("per_day"), rep.Requests.Daily, false),
		bars(tr.t("per_month"), rep.Requests.Monthly, false),
		bars(tr.t("per_weekday"), rep.Requests.Weekdays, false),
		bars(tr.t("per_month_day"), rep.Requests.MonthDays, false),
		bars(tr.t("backlog_daily"), rep.Backlog.Daily, true),
	}
	agents := make([]point, len(rep.Agents))
	for i, a := range rep.Agents {
		agents[i] = point{Label: a.Name, Value: float64(a.Closed)}
	}
	v.Charts = append(v.Charts, reportChart{Title: tr.t("closed_per_agent"),
		SVG: chart{Title: tr.t("closed_per_agent"), Digits: digits}.SVG(agents)})
	for _, name := range kpi.TableNames() {
		p := url.Values{}
		for k, vals := range params {
			p[k] = vals
		}
		p.Set("format", "csv")
		v.CSV = append(v.CSV, reportLink{Text: name, URL: "/api/v1/reports/" + name + "?" + p.Encode()})
	}
}

// day writes t's day in the page's calendar, as the form reads it back.
func (tr reportText) day(t time.Time, tz *time.Location) string {
	t = t.In(tz)
	if tr.fa {
		p := ptime.New(t)
		return fmt.Sprintf("%04d/%02d/%02d", p.Year(), int(p.Month()), p.Day())
	}
	return t.Format(time.DateOnly)
}

// duration writes seconds as hours and minutes ("3h 05m", "۳ ساعت ۵ دقیقه").
func (tr reportText) duration(sec float64) string {
	m := int(sec/60 + 0.5)
	if tr.fa {
		return crm.PersianDigits(fmt.Sprintf("%d ساعت %d دقیقه", m/60, m%60))
	}
	return fmt.Sprintf("%dh %02dm", m/60, m%60)
}
