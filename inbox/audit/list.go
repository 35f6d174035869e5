package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
)

// Querier runs a query: a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Subject types a Query can ask for beyond a table's own: AllSubjects
// lists every event, conversation events included, which the log leaves
// out by default (they are the inbox's own history, and many).
const AllSubjects = "*"

// Page sizes of List.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Query filters the log. Zero fields do not filter.
type Query struct {
	// ActorID keeps the events of one user; System keeps those the system
	// made (no user).
	ActorID int64
	System  bool
	// Action keeps one action ("user.deactivate"), or every action of a
	// kind when it ends in a dot ("user.").
	Action string
	// SubjectType keeps events about one kind of thing ("user",
	// "channel"); empty is everything but conversations, AllSubjects is
	// everything.
	SubjectType string
	// From and To bound when the event happened: From <= at < To.
	From, To time.Time
	// After is the Next of the page before: the walk goes on from there.
	After string
	// Limit is the page size: DefaultLimit when 0, at most MaxLimit.
	Limit int
}

// Entry is one event as the log shows it.
type Entry struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	ActorID     *int64    `json:"actor_id"`
	ActorName   string    `json:"actor_name"`
	Action      string    `json:"action"`
	SubjectType string    `json:"subject_type"`
	SubjectID   int64     `json:"subject_id"`
	// SubjectName names the subject when it is a user, contact, team or
	// channel that still exists.
	SubjectName string          `json:"subject_name"`
	Data        json.RawMessage `json:"data"`
}

// Page is one page of the log, newest first, and the cursor of the next
// (empty on the last page).
type Page struct {
	Events []Entry `json:"events"`
	Next   string  `json:"next,omitempty"`
}

// List returns a page of the log, newest first, walked by keyset (when,
// then id), so that paging is as fast on the thousandth page as on the
// first and an event written meanwhile neither repeats nor skips one.
func List(ctx context.Context, q Querier, f Query) (Page, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	where := []string{"true"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.SubjectType {
	case "":
		where = append(where, "e.subject_type <> 'conversation'")
	case AllSubjects:
	default:
		where = append(where, "e.subject_type = "+arg(f.SubjectType))
	}
	switch {
	case f.System:
		where = append(where, "e.actor_id IS NULL")
	case f.ActorID != 0:
		where = append(where, "e.actor_id = "+arg(f.ActorID))
	}
	if prefix, ok := strings.CutSuffix(f.Action, "."); ok && prefix != "" {
		where = append(where, "starts_with(e.action, "+arg(prefix+".")+")")
	} else if f.Action != "" {
		where = append(where, "e.action = "+arg(f.Action))
	}
	if !f.From.IsZero() {
		where = append(where, "e.at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "e.at < "+arg(f.To))
	}
	if f.After != "" {
		at, id, err := parseCursor(f.After)
		if err != nil {
			return Page{}, err
		}
		where = append(where, "(e.at, e.id) < ("+arg(at)+", "+arg(id)+")")
	}
	rows, _ := q.Query(ctx, `SELECT e.id, e.at, e.actor_id, coalesce(a.name, '') AS actor_name, e.action,
			e.subject_type, e.subject_id, coalesce(CASE e.subject_type
				WHEN 'user' THEN (SELECT name FROM users WHERE id = e.subject_id)
				WHEN 'contact' THEN (SELECT name FROM contacts WHERE id = e.subject_id)
				WHEN 'team' THEN (SELECT name FROM teams WHERE id = e.subject_id)
				WHEN 'channel' THEN (SELECT name FROM channels WHERE id = e.subject_id)
			END, '') AS subject_name, e.data
		FROM audit_events e LEFT JOIN users a ON a.id = e.actor_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY e.at DESC, e.id DESC LIMIT `+arg(limit+1), args...)
	es, err := pgx.CollectRows(rows, pgx.RowToStructByName[Entry])
	if err != nil {
		return Page{}, fmt.Errorf("audit: list: %w", err)
	}
	p := Page{Events: es}
	if len(es) > limit {
		p.Events = es[:limit]
		last := es[limit-1]
		p.Next = fmt.Sprintf("%d.%d", last.At.UnixMicro(), last.ID)
	}
	if p.Events == nil {
		p.Events = []Entry{}
	}
	return p, nil
}

// parseCursor reads a Page.Next: the time in microseconds and the id.
func parseCursor(s string) (time.Time, int64, error) {
	micros, id, ok := strings.Cut(s, ".")
	m, err1 := strconv.ParseInt(micros, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || errors.Join(err1, err2) != nil {
		return time.Time{}, 0, fmt.Errorf("audit: cursor %q: %w", s, channels.Invalid("after", "error.field", "not a cursor of this log"))
	}
	return time.UnixMicro(m), n, nil
}
