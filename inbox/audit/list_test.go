package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/audit"
)

func TestList(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	var uid int64
	if err := pool.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('a@x.test', 'Azadeh', 'admin') RETURNING id`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	// Seven events a day apart, oldest first: five by the admin, two by
	// the system, one of them about a conversation.
	events := []struct {
		actor         any
		action, sType string
		subject       int64
	}{
		{uid, "user.create", "user", uid},
		{uid, "setting.set", "setting", 0},
		{nil, "conversation.status", "conversation", 9},
		{uid, "user.update", "user", uid},
		{uid, "channel.update", "channel", 4},
		{nil, "contact.merge", "contact", 3},
		{uid, "user.deactivate", "user", uid},
	}
	for i, e := range events {
		if _, err := pool.Exec(ctx, `INSERT INTO audit_events (at, actor_id, action, subject_type, subject_id, data)
			VALUES ($1, $2, $3, $4, $5, '{"n": 1}')`, day.AddDate(0, 0, i), e.actor, e.action, e.sType, e.subject); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		q    audit.Query
		want []string
	}{
		{"default leaves conversations out, newest first", audit.Query{},
			[]string{"user.deactivate", "contact.merge", "channel.update", "user.update", "setting.set", "user.create"}},
		{"everything", audit.Query{SubjectType: audit.AllSubjects, Limit: 3},
			[]string{"user.deactivate", "contact.merge", "channel.update"}},
		{"conversations", audit.Query{SubjectType: "conversation"}, []string{"conversation.status"}},
		{"by the system", audit.Query{System: true}, []string{"contact.merge"}},
		{"by the admin", audit.Query{ActorID: uid, Action: "user."}, []string{"user.deactivate", "user.update", "user.create"}},
		{"one action", audit.Query{Action: "setting.set"}, []string{"setting.set"}},
		{"subject type", audit.Query{SubjectType: "channel"}, []string{"channel.update"}},
		{"dates", audit.Query{From: day.AddDate(0, 0, 3), To: day.AddDate(0, 0, 5)}, []string{"channel.update", "user.update"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := audit.List(ctx, pool, c.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range p.Events {
				got = append(got, e.Action)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
	t.Run("keyset pages", func(t *testing.T) {
		var seen []string
		q := audit.Query{Limit: 4}
		for pages := 0; ; pages++ {
			p, err := audit.List(ctx, pool, q)
			if err != nil || pages > 3 {
				t.Fatalf("page %d: %v", pages, err)
			}
			for _, e := range p.Events {
				seen = append(seen, e.Action)
			}
			if p.Next == "" {
				break
			}
			q.After = p.Next
		}
		if len(seen) != 6 || seen[4] != "setting.set" {
			t.Fatalf("walked %v", seen)
		}
	})
	t.Run("names", func(t *testing.T) {
		p, err := audit.List(ctx, pool, audit.Query{Action: "user.create"})
		if err != nil || len(p.Events) != 1 {
			t.Fatal(p, err)
		}
		if e := p.Events[0]; e.ActorName != "Azadeh" || e.SubjectName != "Azadeh" || string(e.Data) != `{"n": 1}` {
			t.Fatalf("%+v", e)
		}
	})
	if _, err := audit.List(ctx, pool, audit.Query{After: "nonsense"}); !errors.Is(err, crm.ErrInvalid) {
		t.Fatalf("bad cursor: %v", err)
	}
}
