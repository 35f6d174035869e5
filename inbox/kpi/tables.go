package kpi

import "strconv"

// Table is one section of a report as rows of text, for CSV export.
type Table struct {
	Name   string
	Header []string
	Rows   [][]string
}

// TableNames are the sections Table knows, in the order of the report.
func TableNames() []string {
	return []string{"requests", "requests-weekly", "requests-monthly", "weekdays", "month-days",
		"agents", "times", "exchanges", "calls", "sla", "backlog"}
}

// Table returns the named section of r (see TableNames) and whether there
// is one by that name.
func (r *Report) Table(name string) (Table, bool) {
	t := Table{Name: name}
	switch name {
	case "requests", "requests-weekly", "requests-monthly":
		buckets := map[string][]Bucket{"requests": r.Requests.Daily, "requests-weekly": r.Requests.Weekly,
			"requests-monthly": r.Requests.Monthly}[name]
		t.Header = []string{"period", "label", "requests"}
		for _, c := range r.Requests.Channels {
			t.Header = append(t.Header, "channel "+strconv.FormatInt(c.ID, 10)+" "+c.Name)
		}
		for _, b := range buckets {
			row := []string{b.Key, b.Label, itoa(b.Count)}
			for _, c := range r.Requests.Channels {
				row = append(row, itoa(b.ByChannel[c.ID]))
			}
			t.Rows = append(t.Rows, row)
		}
	case "weekdays", "month-days":
		t.Header = []string{"day", "label", "requests"}
		buckets := r.Requests.Weekdays
		if name == "month-days" {
			buckets = r.Requests.MonthDays
		}
		for _, b := range buckets {
			t.Rows = append(t.Rows, []string{b.Key, b.Label, itoa(b.Count)})
		}
	case "agents":
		t.Header = []string{"agent_id", "name", "closed", "reopened", "reopen_rate", "csat"}
		for _, a := range r.Agents {
			csat := ""
			if a.CSAT != nil {
				csat = ftoa(*a.CSAT)
			}
			t.Rows = append(t.Rows, []string{strconv.FormatInt(a.AgentID, 10), a.Name, itoa(a.Closed),
				itoa(a.Reopened), ftoa(a.ReopenRate), csat})
		}
	case "times":
		t.Header = []string{"measure", "count", "pending", "average_seconds", "p90_seconds", "business_hours"}
		for _, m := range []struct {
			name string
			d    Durations
		}{{"first_response", r.FirstResponse}, {"resolution", r.Resolution}} {
			t.Rows = append(t.Rows, []string{m.name, itoa(m.d.Count), itoa(m.d.Pending), ftoa(m.d.AverageSeconds),
				ftoa(m.d.P90Seconds), strconv.FormatBool(m.d.BusinessHours)})
		}
	case "exchanges":
		e := r.Exchanges
		t.Header = []string{"requests", "exchanges", "average"}
		t.Rows = [][]string{{itoa(e.Requests), itoa(e.Exchanges), ftoa(e.Average)}}
	case "calls":
		c := r.Calls
		t.Header = []string{"received", "answered", "missed", "outgoing", "not_called_back", "callback_hours"}
		t.Rows = [][]string{{itoa(c.Received), itoa(c.Answered), itoa(c.Missed), itoa(c.Outgoing),
			itoa(c.NotCalledBack), itoa(c.CallbackHours)}}
	case "sla":
		t.Header = []string{"breaches", "reassignments", "by_sla"}
		t.Rows = [][]string{{itoa(r.SLA.Breaches), itoa(r.SLA.Reassignments), itoa(r.SLA.BySLA)}}
	case "backlog":
		t.Header = []string{"day", "label", "unresolved"}
		for _, b := range r.Backlog.Daily {
			t.Rows = append(t.Rows, []string{b.Key, b.Label, itoa(b.Count)})
		}
	default:
		return t, false
	}
	return t, true
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
