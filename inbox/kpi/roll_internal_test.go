package kpi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox/audit"
)

// TestReplay: which customer messages reopen a conversation, at what
// instant, and the neighbours of each change, from facts in the order
// they were stored.
func TestReplay(t *testing.T) {
	t0 := time.Date(2026, 3, 18, 8, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	status := func(id int64, m int, s string) fact {
		d, _ := json.Marshal(audit.Status{Status: s})
		return fact{conv: 1, kind: "s", id: id, at: at(m), data: d}
	}
	msg := func(id int64, m int) fact { return fact{conv: 1, kind: "m", id: id, at: at(m)} }
	cases := []struct {
		name  string
		facts []fact
		want  string // each status row: id@minute status (prev>next)
	}{
		{"a message while open reopens nothing", []fact{msg(10, 0), status(1, 5, "resolved")},
			"1@5 resolved (<nil>><nil>)"},
		{"the first message after a resolve reopens", []fact{status(1, 5, "resolved"), msg(10, 7), msg(11, 8)},
			"1@5 resolved (<nil>>reopened) 10@7 reopened (resolved><nil>)"},
		{"a message sent before the resolve but stored after reopens at the resolve",
			[]fact{status(1, 5, "resolved"), msg(10, 3)},
			"1@5 resolved (<nil>>reopened) 10@5 reopened (resolved><nil>)"},
		{"an agent's reopen leaves the message alone", []fact{status(1, 5, "resolved"), status(2, 6, "open"), msg(10, 7)},
			"1@5 resolved (<nil>>open) 2@6 open (resolved><nil>)"},
		{"resolved again, reopened again",
			[]fact{status(1, 5, "resolved"), msg(10, 6), status(2, 9, "resolved"), msg(11, 12)},
			"1@5 resolved (<nil>>reopened) 10@6 reopened (resolved>resolved) 2@9 resolved (reopened>reopened) 11@12 reopened (resolved><nil>)"},
		{"a reopening recorded by 00025", []fact{status(1, 5, "resolved"),
			{conv: 1, kind: "r", id: 99, at: at(6), data: []byte(`{"message_id": 10}`)}, msg(11, 7)},
			"1@5 resolved (<nil>>reopened) 10@6 reopened (resolved><nil>)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sts, _ := replay(c.facts)
			var got []string
			for _, s := range sts {
				got = append(got, fmt.Sprintf("%d@%d %s (%s>%s)", s.id, int(s.at.Sub(t0).Minutes()), str(s.status), str(s.prev), str(s.next)))
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("got  %s\nwant %s", g, c.want)
			}
		})
	}
}

// TestReplayAssignments: agent changes, by assign and by the SLA check,
// each with the agent before; a breach that moved nobody is no change.
func TestReplayAssignments(t *testing.T) {
	t0 := time.Date(2026, 3, 18, 8, 0, 0, 0, time.UTC)
	facts := []fact{
		{conv: 1, kind: "a", id: 1, at: t0, data: []byte(`{"assignee_id": 5}`)},
		{conv: 1, kind: "b", id: 2, at: t0.Add(time.Minute), data: []byte(`{"to_user_id": null}`)},
		{conv: 1, kind: "b", id: 3, at: t0.Add(2 * time.Minute), data: []byte(`{"to_user_id": 7}`)},
		{conv: 1, kind: "a", id: 4, at: t0.Add(3 * time.Minute), data: []byte(`{"assignee_id": 0}`)},
		{conv: 2, kind: "a", id: 5, at: t0, data: []byte(`{"assignee_id": "x"}`)},
	}
	_, asg := replay(facts)
	var got []string
	for _, a := range asg {
		got = append(got, fmt.Sprintf("%d:%s<%s sla=%v", a.id, id(a.owner), id(a.before), a.bySLA))
	}
	want := "1:5<- sla=false 3:7<5 sla=true 4:-<7 sla=false 5:-<- sla=false"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got  %s\nwant %s", g, want)
	}
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func id(n *int64) string {
	if n == nil {
		return "-"
	}
	return fmt.Sprint(*n)
}
