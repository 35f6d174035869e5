package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/templates"
)

// The SLA policies API: the same schedule.SLAPolicy and functions as the
// SLA settings pages and the workers.

// listPolicies is GET /api/v1/sla-policies.
func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request) {
	ps, err := s.Inbox.SLAPolicies(r.Context())
	if ps == nil {
		ps = []schedule.SLAPolicy{}
	}
	s.respond(w, http.StatusOK, map[string]any{"policies": ps}, err)
}

// getPolicy is GET /api/v1/sla-policies/{id}.
func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var p schedule.SLAPolicy
	if err == nil {
		p, err = s.Inbox.SLAPolicyByID(r.Context(), id)
	}
	s.respond(w, http.StatusOK, p, err)
}

// createPolicy is POST /api/v1/sla-policies: a policy (SLAPolicy's JSON);
// the fields left out take DefaultSLAPolicy's values.
func (s *Server) createPolicy(w http.ResponseWriter, r *http.Request) {
	p := schedule.DefaultSLAPolicy()
	s.savePolicy(w, r, http.StatusCreated, p)
}

// updatePolicy is PATCH /api/v1/sla-policies/{id}: the fields given
// change, the others stay.
func (s *Server) updatePolicy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	var p schedule.SLAPolicy
	if err == nil {
		p, err = s.Inbox.SLAPolicyByID(r.Context(), id)
	}
	if err != nil {
		writeError(w, s.log, err)
		return
	}
	s.savePolicy(w, r, http.StatusOK, p)
}

// savePolicy reads the body over p and saves it.
func (s *Server) savePolicy(w http.ResponseWriter, r *http.Request, status int, p schedule.SLAPolicy) {
	id := p.ID
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err == nil {
		if err = json.Unmarshal(body, &p); err != nil {
			err = fmt.Errorf("request body: %v: %w", err, crm.ErrInvalid)
		}
	}
	if err == nil {
		p.ID = id
		if id, err = s.Inbox.SaveSLAPolicy(r.Context(), userOf(r).ID, p); err == nil {
			p, err = s.Inbox.SLAPolicyByID(r.Context(), id)
		}
	}
	s.respond(w, status, p, err)
}

// deletePolicy is DELETE /api/v1/sla-policies/{id}.
func (s *Server) deletePolicy(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.Inbox.DeleteSLAPolicy(r.Context(), userOf(r).ID, id)
	}
	s.respond(w, http.StatusNoContent, nil, err)
}

// listHolidays is GET /api/v1/holidays?year=1405: the official Iranian
// holidays of a Jalali year (default: this one and the next), and
// whether each year's lunar holidays are in the table.
func (s *Server) listHolidays(w http.ResponseWriter, r *http.Request) {
	this := schedule.JalaliYear(time.Now().In(templates.Tehran()))
	years := []int{this, this + 1}
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1300 || y > 1500 {
			writeError(w, s.log, fmt.Errorf("year %q: want a Jalali year such as 1405: %w", v, crm.ErrInvalid))
			return
		}
		years = []int{y}
	}
	type year struct {
		Year          int                `json:"jalali_year"`
		LunarComplete bool               `json:"lunar_complete"`
		Holidays      []schedule.Holiday `json:"holidays"`
	}
	var out []year
	for _, y := range years {
		out = append(out, year{y, schedule.LunarHolidaysComplete(y), schedule.OfficialHolidays(y)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"years": out})
}
