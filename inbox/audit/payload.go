package audit

import (
	"encoding/json"
	"strings"
	"time"
)

// The actions whose events the KPI rollup (package inbox/kpi) reads, and
// the Go types of their Data: the writers store them and the roller
// decodes them, so the two cannot drift apart.
const (
	// ActionStatus is a conversation's status change: Status.
	ActionStatus = "conversation.status"
	// ActionAssign is a conversation given to an agent: Assign.
	ActionAssign = "conversation.assign"
	// ActionTeam is a conversation given to a team: Team.
	ActionTeam = "conversation.team"
	// ActionSLABreach is a missed first or next response: SLABreach.
	ActionSLABreach = "conversation.sla_breach"
	// ActionReopen is a customer message that reopened a resolved
	// conversation: Reopen. Migration 00025 recorded those stored before
	// it; the ingest records them since 00026 (ReopenSQL); the rollup
	// infers those in between from the messages.
	ActionReopen = "conversation.reopen"
	// ActionMerge and ActionUnmerge move conversations between contacts
	// (the subject is the surviving contact): Merge.
	ActionMerge   = "contact.merge"
	ActionUnmerge = "contact.unmerge"
)

// Status is the Data of ActionStatus.
type Status struct {
	Status string `json:"status"`
	// Until is the end of a snooze.
	Until *time.Time `json:"until"`
}

// Assign is the Data of ActionAssign; AssigneeID 0 unassigns.
type Assign struct {
	AssigneeID int64 `json:"assignee_id"`
}

// Team is the Data of ActionTeam; TeamID 0 takes the team away.
type Team struct {
	TeamID int64 `json:"team_id"`
}

// SLABreach is the Data of ActionSLABreach: the agent who missed the
// due time (FromUserID, nil when none) and the one the check reassigned
// the conversation to (ToUserID, nil when it did not).
type SLABreach struct {
	PolicyID int64 `json:"policy_id"`
	// Kind is the target missed: "first" or "next" (a customer who
	// wrote again after an answer).
	Kind       string    `json:"kind"`
	DueAt      time.Time `json:"due_at"`
	FromUserID *int64    `json:"from_user_id"`
	ToUserID   *int64    `json:"to_user_id"`
}

// Reopen is the Data of ActionReopen: the message that reopened.
type Reopen struct {
	MessageID int64 `json:"message_id"`
	// Backfill names the migration that recorded it, if one did.
	Backfill string `json:"backfill,omitempty"`
}

// ReopenSQL returns SQL building the Data of ActionReopen (Reopen) from
// the SQL expression messageID, for the ingest, which records reopenings
// inside its statements: the key is Reopen's (TestReopenSQL).
func ReopenSQL(messageID string) string {
	return `jsonb_build_object('message_id', ` + messageID + `)`
}

// Merge is the Data of ActionMerge and ActionUnmerge (package crm writes
// it with the same keys).
type Merge struct {
	MergeID  int64 `json:"merge_id"`
	SourceID int64 `json:"source_id"`
}

// Decode reads the Data of an event into v as far as it can: a field
// whose value has the wrong type stays zero instead of failing the rest
// (encoding/json's own rule), as the SQL that read these events before
// gave NULL for an id that was not a number. It reports whether every
// field decoded.
func Decode(data []byte, v any) bool {
	return json.Unmarshal(data, v) == nil
}

// Literal returns data as JSON in a SQL string literal, for writers that
// record events inside SQL statements of their own (the ingest, the
// follow-ups), so that those use the same types.
func Literal(data any) string {
	b, err := json.Marshal(data)
	if err != nil {
		panic("audit: literal: " + err.Error()) // the payload types always marshal
	}
	return "'" + strings.ReplaceAll(string(b), "'", "''") + "'"
}
