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

// TestOrder: the transactions of one conversation go in the order they
// took its lock (their last audit event's id), not of their transaction
// ids; messages without events by transaction id among them; the facts
// without a transaction (before migration 00025) first.
func TestOrder(t *testing.T) {
	t0 := time.Date(2026, 3, 18, 8, 0, 0, 0, time.UTC)
	f := func(conv int64, kind string, id, xid int64) fact {
		return fact{conv: conv, kind: kind, id: id, xid: xid, at: t0}
	}
	for _, c := range []struct {
		name  string
		facts []fact // in factsSQL's order: conversation, transaction id
		want  string // kind+id of each fact
	}{
		{"transaction ids in lock order", []fact{f(1, "s", 1, 10), f(1, "r", 2, 11)}, "s1 r2"},
		{"the lower transaction id took the lock later",
			[]fact{f(1, "r", 5, 10), f(1, "s", 4, 11)}, "s4 r5"},
		{"a transaction goes by its last event",
			[]fact{f(1, "s", 3, 10), f(1, "r", 6, 10), f(1, "s", 5, 11)}, "s5 s3 r6"},
		{"messages without events by transaction id",
			[]fact{f(1, "s", 1, 10), f(1, "m", 50, 11), f(1, "s", 2, 12), f(1, "m", 51, 13)}, "s1 m50 s2 m51"},
		{"facts from before 00025 first",
			[]fact{f(1, "r", 90, 0), f(1, "s", 1, 0), f(1, "s", 2, 10)}, "r90 s1 s2"},
		{"each conversation apart",
			[]fact{f(1, "r", 5, 10), f(1, "s", 4, 11), f(2, "s", 3, 9), f(2, "s", 6, 12)}, "s4 r5 s3 s6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, x := range order(c.facts) {
				got = append(got, fmt.Sprint(x.kind, x.id))
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("got  %s\nwant %s", g, c.want)
			}
		})
	}
}
