// Package kpi computes the service KPIs a manager runs the team by: new
// requests per day and month per channel, closes and reopen rate per
// agent, first-response wait and handling time (average and p90, by the
// wall clock or in business hours), exchanges per request, calls, SLA
// breaches and reassignments, and the backlog now and over time.
//
// Periods are grouped in the Jalali calendar (weeks from Saturday, months
// Farvardin to Esfand) for Persian and in the Gregorian one (weeks from
// Monday) otherwise, in the report's time zone.
//
// The numbers come from indexed SQL over the conversations and SLA
// breaches, plus narrow tables the Roller folds the facts into (messages
// and audit events, both append-only; no trigger since migration 00025):
// kpi_conversations, each conversation's first customer message, first
// reply and turns; kpi_statuses and kpi_reopens, each status change and
// reopening by a customer message with its neighbours in the
// conversation's history; kpi_assignments, each agent change; kpi_calls,
// the calls and their call backs; kpi_daily, the requests per day in
// Tehran, channel, team and agent. A report first folds in the facts the
// rollup worker has not yet, so it is exact. They hold across contact merges (a
// merge moves conversations, never copies them, and customers are counted
// by their surviving contact) and reassignments (a close is credited to
// the agent who resolved, per the audit events, not to the assignee now).
package kpi

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox/schedule"
)

// Store computes reports from the database.
type Store struct {
	pool *pgxpool.Pool
	roll *Roller
}

// New returns a Store reading from pool.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, roll: NewRoller(pool)}
}

// Calendars a report groups its periods in.
const (
	Jalali    = "jalali"
	Gregorian = "gregorian"
)

// Query says what a report covers. From and To bound the period (From
// included, To excluded); the filters are optional (0: all).
type Query struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Locale is "fa" (Jalali calendar, Persian digits in labels) or "en"
	// (Gregorian); default fa.
	Locale string `json:"locale"`
	// Calendar overrides the locale's calendar: Jalali or Gregorian.
	Calendar string `json:"calendar"`
	// Zone is the IANA time zone days start in; default Asia/Tehran.
	Zone string `json:"zone"`
	// ChannelID and TeamID keep the conversations of one channel or team.
	ChannelID int64 `json:"channel_id,omitempty"`
	TeamID    int64 `json:"team_id,omitempty"`
	// AgentID keeps one agent's work: the conversations assigned to them,
	// the closes they made, the first responses they wrote, the breaches
	// and reassignments they were part of.
	AgentID int64 `json:"agent_id,omitempty"`
	// BusinessHours measures waits and handling times in the open time of
	// Hours only.
	BusinessHours bool `json:"business_hours"`
	// Hours is the working time for BusinessHours; default
	// schedule.IranianWeek.
	Hours *schedule.Calendar `json:"hours,omitempty"`
	// CallbackHours is how soon a missed call must be called back; default
	// 4.
	CallbackHours int `json:"callback_hours"`
	// Now is the time of the backlog snapshot and of the call-back
	// deadline; default the current time.
	Now time.Time `json:"now"`
}

// withDefaults checks q and fills in its defaults.
func (q Query) withDefaults() (Query, *time.Location, error) {
	if q.Locale == "" {
		q.Locale = "fa"
	}
	if q.Calendar == "" {
		q.Calendar = Gregorian
		if q.Locale == "fa" {
			q.Calendar = Jalali
		}
	}
	if q.Calendar != Jalali && q.Calendar != Gregorian {
		return q, nil, fmt.Errorf("kpi: calendar %q (want jalali or gregorian): %w", q.Calendar, crm.ErrInvalid)
	}
	if q.Zone == "" {
		q.Zone = "Asia/Tehran"
	}
	loc, err := time.LoadLocation(q.Zone)
	if err != nil {
		return q, nil, fmt.Errorf("kpi: zone %q: %w", q.Zone, crm.ErrInvalid)
	}
	if q.From.IsZero() || q.To.IsZero() || !q.To.After(q.From) {
		return q, nil, fmt.Errorf("kpi: period %s – %s is empty: %w", q.From, q.To, crm.ErrInvalid)
	}
	if q.To.Sub(q.From) > 3*366*24*time.Hour {
		return q, nil, fmt.Errorf("kpi: period longer than three years: %w", crm.ErrInvalid)
	}
	if q.CallbackHours == 0 {
		q.CallbackHours = 4
	}
	if q.CallbackHours < 0 || q.CallbackHours > 24*30 {
		return q, nil, fmt.Errorf("kpi: call-back hours %d (want 1 to 720): %w", q.CallbackHours, crm.ErrInvalid)
	}
	if q.Hours == nil {
		week := schedule.IranianWeek()
		q.Hours = &week
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	q.From, q.To, q.Now = q.From.UTC(), q.To.UTC(), q.Now.UTC()
	return q, loc, nil
}

// args are the named SQL arguments every report query may use.
func (q Query) args() pgx.NamedArgs {
	return pgx.NamedArgs{"from": q.From, "to": q.To, "zone": q.Zone, "channel": q.ChannelID,
		"team": q.TeamID, "agent": q.AgentID, "now": q.Now, "callback": q.CallbackHours}
}

// convFilter is the SQL condition of the channel and team filters on
// conversations c.
const convFilter = `(@channel::bigint = 0 OR c.channel_id = @channel) AND (@team::bigint = 0 OR c.team_id = @team)`

// filtered says whether q keeps some conversations only: by channel, team
// or agent. Without a filter, tables that name their conversation need no
// join with the conversations to be counted.
func (q Query) filtered() bool {
	return q.ChannelID != 0 || q.TeamID != 0 || q.AgentID != 0
}

// byConversation says whether q keeps the conversations of one channel
// or team, which only the conversations know.
func (q Query) byConversation() bool {
	return q.ChannelID != 0 || q.TeamID != 0
}

// ownedSQL is the SQL condition of the channel, team and agent filters
// on conversations c.
const ownedSQL = convFilter + ` AND (@agent::bigint = 0 OR c.assignee_id = @agent)`

// Report is every KPI of a Query.
type Report struct {
	Query Query `json:"query"`
	// Requests are the conversations started in the period.
	Requests Requests `json:"requests"`
	// Agents are the closes per agent; an agent ID of 0 stands for
	// closes by the system.
	Agents []AgentStats `json:"agents"`
	// FirstResponse is the customer's wait from the first message to the
	// first reply, over the requests of the period.
	FirstResponse Durations `json:"first_response"`
	// Resolution is the handling time from a request's start to its final
	// resolve (one not reopened since), over the resolves of the period.
	Resolution Durations `json:"resolution"`
	Exchanges  Exchanges `json:"exchanges"`
	Calls      Calls     `json:"calls"`
	SLA        SLA       `json:"sla"`
	Backlog    Backlog   `json:"backlog"`
	// RolledAt is nil when the report counts every fact committed before
	// it began. When a roll or rebuild held the rollup lock for longer
	// than RollWait, the report did not wait for it: what it reads from
	// the KPI tables (kpi_conversations, kpi_statuses, kpi_reopens,
	// kpi_assignments, kpi_calls, kpi_daily) holds the facts folded in by
	// the last committed roll, at RolledAt or later, and leaves out those
	// since (nothing is counted that did not happen); what it reads from
	// the conversations and sla_breaches (the backlog now, the SLA
	// breaches) is current.
	RolledAt *time.Time `json:"rolled_at,omitempty"`

	// The backlog's level before the period and moves per day, and the
	// starts per day, which parts fill for backlogDaily.
	backlogBefore int
	moves, starts map[time.Time]int
}

// Bucket is one period (a day, week, month, weekday or day of the month)
// and its count.
type Bucket struct {
	// Key is stable and ASCII: "1404-12-29", "1404-12" (month), "sat"
	// (weekday), "29" (day of the month); a week's key is its first day.
	Key string `json:"key"`
	// Label is for people, in the report's calendar and locale (Persian
	// digits for fa).
	Label string `json:"label"`
	// Start is the period's first instant (zero for weekdays and days of
	// the month).
	Start time.Time `json:"start,omitzero"`
	Count int       `json:"count"`
	// ByChannel splits Count by channel id (requests only).
	ByChannel map[int64]int `json:"by_channel,omitempty"`
}

// Channel names a channel and counts its requests.
type Channel struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// Requests counts new conversations: in total, per channel and per
// period, and how they spread over weekdays and days of the month.
type Requests struct {
	Total int `json:"total"`
	// Customers is the number of distinct customers who started them
	// (contacts merged since count as one).
	Customers int       `json:"customers"`
	Channels  []Channel `json:"channels"`
	Daily     []Bucket  `json:"daily"`
	Weekly    []Bucket  `json:"weekly"`
	Monthly   []Bucket  `json:"monthly"`
	// Weekdays runs from the calendar's first weekday (Saturday for
	// Jalali, Monday for Gregorian); MonthDays from day 1 to 31.
	Weekdays  []Bucket `json:"weekdays"`
	MonthDays []Bucket `json:"month_days"`
}

// AgentStats is one agent's closes in the period beside how many of them
// were reopened later.
type AgentStats struct {
	AgentID  int64  `json:"agent_id"`
	Name     string `json:"name"`
	Closed   int    `json:"closed"`
	Reopened int    `json:"reopened"`
	// ReopenRate is Reopened/Closed.
	ReopenRate float64 `json:"reopen_rate"`
	// CSAT is the average satisfaction score; always nil, as Peyk does not
	// survey customers yet.
	CSAT *float64 `json:"csat"`
}

// Durations summarizes a set of waits or handling times, in seconds.
type Durations struct {
	// Count is how many were measured.
	Count int `json:"count"`
	// Pending counts the requests still waiting (first response only).
	Pending        int     `json:"pending"`
	AverageSeconds float64 `json:"average_seconds"`
	// P90Seconds is the 90th percentile (nearest rank: the smallest value
	// at least 90% of the values do not exceed).
	P90Seconds float64 `json:"p90_seconds"`
	// BusinessHours reports whether only open time was counted.
	BusinessHours bool `json:"business_hours"`
}

// Exchanges counts turns: each reply to the customer that follows a
// customer message is one exchange.
type Exchanges struct {
	Requests  int     `json:"requests"`
	Exchanges int     `json:"exchanges"`
	Average   float64 `json:"average"`
}

// Calls counts the phone calls of the period.
type Calls struct {
	Received int `json:"received"`
	Answered int `json:"answered"`
	// Missed are received calls not answered (NO ANSWER, BUSY, FAILED…).
	Missed   int `json:"missed"`
	Outgoing int `json:"outgoing"`
	// NotCalledBack are missed calls whose customer got no outgoing call
	// within CallbackHours (counted once the hours have passed).
	NotCalledBack int `json:"not_called_back"`
	CallbackHours int `json:"callback_hours"`
}

// SLA counts first-response breaches and reassignments.
type SLA struct {
	Breaches int `json:"breaches"`
	// Reassignments are changes of a conversation's agent from one agent
	// to another; BySLA of them were made by the SLA check.
	Reassignments int `json:"reassignments"`
	BySLA         int `json:"by_sla"`
}

// Backlog is the unresolved work: now, and at the end of each day.
type Backlog struct {
	// Open, Pending and Snoozed count conversations by status now;
	// Waiting are the open ones whose customer waits for a reply.
	Open    int `json:"open"`
	Waiting int `json:"waiting"`
	Pending int `json:"pending"`
	Snoozed int `json:"snoozed"`
	// Daily is the number of unresolved conversations at the end of each
	// day of the period.
	Daily []Bucket `json:"daily"`
}

// RollWait is how long a report waits for a roll or rebuild under way
// before it answers from the rolled KPI tables (Report.RolledAt).
const RollWait = 2 * time.Second

// part computes some of a report's fields in tx; parts fill disjoint
// fields, so they may run at once.
type part func(context.Context, pgx.Tx, Query, *calendar, *Report) error

// Report computes every KPI of q in one consistent snapshot. Its parts
// run at once on up to MaxConns-1 more connections of the pool, each in a
// transaction that imports the first one's snapshot.
func (s *Store) Report(ctx context.Context, q Query) (*Report, error) {
	q, loc, err := q.withDefaults()
	if err != nil {
		return nil, err
	}
	// The tail the rollup worker has not folded in yet is folded in now
	// (a few facts, as the worker runs every second or on NOTIFY), so
	// that the report counts every fact committed before it began. A
	// rebuild (or a long roll) holds the roll lock for long: the report
	// waits RollWait at most, then reads what is rolled and says so.
	_, rolled, err := s.roll.TryRoll(ctx, RollWait)
	if err != nil {
		return nil, fmt.Errorf("kpi: report: %w", err)
	}
	cal := newCalendar(q, loc)
	r := &Report{Query: q}
	if !rolled {
		var at time.Time
		if err := s.pool.QueryRow(ctx, `SELECT rolled_at FROM kpi_rollup`).Scan(&at); err != nil {
			return nil, fmt.Errorf("kpi: report: %w", err)
		}
		r.RolledAt = &at
	}
	parts := []part{firstResponse, resolution, backlog} // slowest first
	if !q.BusinessHours {
		parts = append(parts, closes) // else resolution counts them in its scan
	}
	parts = append(parts, calls, requests, sla)
	err = s.snapshot(ctx, "", func(tx pgx.Tx, id string) error {
		extra := min(int(s.pool.Config().MaxConns)-1, len(parts)-1)
		errs := make(chan error, len(parts))
		work := make(chan part, len(parts))
		for _, p := range parts[1:] {
			work <- p
		}
		close(work)
		for range extra {
			go func() {
				for p := range work {
					errs <- s.snapshot(ctx, id, func(tx pgx.Tx, _ string) error { return p(ctx, tx, q, cal, r) })
				}
			}()
		}
		errs <- parts[0](ctx, tx, q, cal, r)
		if extra <= 0 { // a pool of one connection: the rest here, in turn
			for p := range work {
				errs <- p(ctx, tx, q, cal, r)
			}
		}
		var first error
		for range parts {
			if err := <-errs; err != nil && first == nil {
				first = err
			}
		}
		return first
	})
	if err != nil {
		return nil, fmt.Errorf("kpi: report: %w", err)
	}
	backlogDaily(cal, r)
	return r, nil
}

// snapshot runs f in a read-only repeatable-read transaction that takes
// the snapshot id, or (id empty) exports its own and passes its id to f.
func (s *Store) snapshot(ctx context.Context, id string, f func(tx pgx.Tx, id string) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var err error
			if id == "" {
				err = tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&id)
			} else {
				_, err = tx.Exec(ctx, `SET TRANSACTION SNAPSHOT '`+strings.ReplaceAll(id, "'", "")+`'`)
			}
			if err != nil {
				return err
			}
			// The sorts and hashes of a year's events fit in memory; JIT
			// compiling would cost more than these queries run. Each query
			// is planned for its own period and filters: a generic plan,
			// which PostgreSQL may switch a statement to after five runs,
			// guesses them and can pick nested loops over a year of rows.
			// The parts already run at once, one per connection; parallel
			// workers within a query would only add their start-up.
			if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '64MB'; SET LOCAL jit = off;
				SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
				return err
			}
			return f(tx, id)
		})
}

// avgSQL is SQL for the average seconds from a to b over the rows that
// pass filter (0 when none): in float8, as EXTRACT's numeric is several
// times slower over a year of rows.
func avgSQL(a, b, filter string) string {
	return `COALESCE(avg(date_part('epoch', ` + b + ` - ` + a + `)) FILTER (WHERE ` + filter + `), 0)`
}

// p90SQL is SQL for the nearest-rank 90th percentile of the seconds from
// a to b over the rows that pass filter (0 when none). It ranks whole
// microseconds, so the value picked reads as exactly as the timestamps
// it came from.
func p90SQL(a, b, filter string) string {
	return `COALESCE(percentile_disc(0.9) WITHIN GROUP (ORDER BY (date_part('epoch', ` + b + ` - ` + a + `) * 1000000)::int8)
		FILTER (WHERE ` + filter + `)::float8 / 1000000, 0)`
}
