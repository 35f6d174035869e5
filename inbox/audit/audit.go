// Package audit records who changed what: settings, users, teams, SLA
// policies, templates, tags and merges, in the audit_events table the
// admins' audit log reads.
package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// Execer runs a statement: a pool, a connection or a transaction. Record
// an event in the transaction of the change it describes, so that the
// log never shows a change that was rolled back.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Event is one change: who made it (ActorID; 0 for the system), what was
// done (Action, such as "channel.update"), to what (SubjectType and
// SubjectID) and its details (Data, stored as JSON: never a secret).
type Event struct {
	ActorID     int64
	Action      string
	SubjectType string
	SubjectID   int64
	Data        any
}

// Record stores e through q.
func Record(ctx context.Context, q Execer, e Event) error {
	data := []byte("{}")
	if e.Data != nil {
		b, err := json.Marshal(e.Data)
		if err != nil {
			return fmt.Errorf("audit: %s: %w", e.Action, err)
		}
		data = b
	}
	var actor *int64
	if e.ActorID != 0 {
		actor = &e.ActorID
	}
	if _, err := q.Exec(ctx, `INSERT INTO audit_events (actor_id, action, subject_type, subject_id, data)
		VALUES ($1, $2, $3, $4, $5)`, actor, e.Action, e.SubjectType, e.SubjectID, data); err != nil {
		return fmt.Errorf("audit: %s: %w", e.Action, err)
	}
	return nil
}
