package audit_test

import (
	"context"
	"testing"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/audit"
)

func TestRecord(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	var uid int64
	if err := pool.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('a@x.test', 'A', 'admin') RETURNING id`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		event audit.Event
		actor any
		data  string
	}{
		{"by a user", audit.Event{ActorID: uid, Action: "team.create", SubjectType: "team", SubjectID: 7, Data: map[string]string{"name": "Sales"}}, uid, `{"name": "Sales"}`},
		{"by the system", audit.Event{Action: "sla.breach", SubjectType: "conversation", SubjectID: 8}, nil, `{}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := audit.Record(ctx, pool, c.event); err != nil {
				t.Fatal(err)
			}
			var actor *int64
			var data string
			if err := pool.QueryRow(ctx, `SELECT actor_id, data::text FROM audit_events WHERE action = $1 AND subject_id = $2`,
				c.event.Action, c.event.SubjectID).Scan(&actor, &data); err != nil {
				t.Fatal(err)
			}
			if (actor == nil) != (c.actor == nil) || data != c.data {
				t.Fatalf("stored actor %v data %s, want %v %s", actor, data, c.actor, c.data)
			}
		})
	}
	if err := audit.Record(ctx, pool, audit.Event{Action: "x", Data: make(chan int)}); err == nil {
		t.Fatal("data that is not JSON was stored")
	}
}
