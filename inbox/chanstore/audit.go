package chanstore

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/inbox/audit"
)

// record stores the audit event of a change to channel id in its
// transaction, by the actor of ctx (audit.WithActor; none: the system).
// data never holds a secret.
func record(ctx context.Context, tx pgx.Tx, action string, id int64, data any) error {
	return audit.Record(ctx, tx, audit.Event{ActorID: audit.ActorOf(ctx), Action: action,
		SubjectType: "channel", SubjectID: id, Data: data})
}

// keys returns the top-level keys of a JSON object, sorted: what an
// update's audit event names of the settings (never their values).
func keys(js []byte) []string {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(js, &m)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
