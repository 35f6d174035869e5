package kpi

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/inbox/audit"
)

// Roller folds the facts (messages and audit events, both append-only)
// into the KPI tables the reports read: per conversation
// kpi_conversations, kpi_statuses, kpi_reopens, kpi_assignments and
// kpi_calls, and per day in Tehran, channel, team and agent kpi_daily
// (migration 00025). It reads past a horizon of transaction ids: each
// fact carries the id of the transaction that wrote it (messages.xid,
// audit_events.xid), and every transaction below the horizon had ended
// when the last roll took its snapshot, so none of their facts can appear
// later. A fact above the horizon that was already visible is read again
// next time, which changes nothing: each roll recomputes the rows of the
// conversations it touches from all their facts (idempotent).
type Roller struct {
	pool *pgxpool.Pool
}

// NewRoller returns a Roller writing through pool.
func NewRoller(pool *pgxpool.Pool) *Roller {
	return &Roller{pool: pool}
}

// Rolled says what a roll did.
type Rolled struct {
	// Conversations is how many conversations' rows were recomputed.
	Conversations int
	// Horizon is the transaction id every fact below which is rolled.
	Horizon uint64
}

// rollLock is the advisory lock that lets one roll or rebuild run at a
// time (any other waits for it).
const rollLock = 0x6b70_6900_0025

// rollChunk is how many conversations one pass recomputes.
const rollChunk = 2000

// Zone is the time zone of kpi_daily's days.
const Zone = "Asia/Tehran"

// Roll folds the facts written since the last roll into the KPI tables,
// waiting for a roll or rebuild under way to end first.
func (r *Roller) Roll(ctx context.Context) (Rolled, error) {
	out, _, err := r.roll(ctx, -1)
	return out, err
}

// TryRoll is Roll, except that when another roll or rebuild holds the
// roll lock it waits at most wait for it, then gives up: ok is false and
// nothing was rolled (the KPI tables hold what the last roll left).
func (r *Roller) TryRoll(ctx context.Context, wait time.Duration) (out Rolled, ok bool, err error) {
	return r.roll(ctx, wait)
}

// lockPoll is how often TryRoll tries the roll lock again.
const lockPoll = 50 * time.Millisecond

// lock takes the roll lock in tx: waiting as long as it takes (wait < 0)
// or at most wait. It reports whether it got the lock.
func lock(ctx context.Context, tx pgx.Tx, wait time.Duration) (bool, error) {
	if wait < 0 {
		_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(rollLock))
		return err == nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(rollLock)).Scan(&ok); err != nil || ok {
			return ok, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false, nil
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(min(left, lockPoll)):
		}
	}
}

// roll is Roll (wait < 0) or TryRoll.
func (r *Roller) roll(ctx context.Context, wait time.Duration) (Rolled, bool, error) {
	var out Rolled
	var locked bool
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		var err error
		if locked, err = lock(ctx, tx, wait); err != nil || !locked {
			return err
		}
		var from string
		if err := tx.QueryRow(ctx, `SELECT horizon::text FROM kpi_rollup`).Scan(&from); err != nil {
			return err
		}
		// One statement, so one snapshot: the conversations its facts
		// touch, those marked dirty (the marks read are consumed; a mark
		// committed later is left for the next roll) and the horizon below
		// which no transaction can still add a fact.
		var horizon string
		var convs, merged []int64
		var merges [][]byte
		err = tx.QueryRow(ctx, `WITH dirty AS (DELETE FROM kpi_dirty RETURNING conversation_id)
			SELECT pg_snapshot_xmin(pg_current_snapshot())::text,
				ARRAY(SELECT conversation_id FROM messages WHERE xid >= $1::xid8
					UNION SELECT id FROM conversations WHERE xid >= $1::xid8
					UNION SELECT conversation_id FROM dirty
					UNION SELECT subject_id FROM audit_events WHERE xid >= $1::xid8
						AND subject_type = 'conversation' AND action = ANY($2)),
				ARRAY(SELECT subject_id FROM audit_events WHERE xid >= $1::xid8 AND action = ANY($3) ORDER BY id),
				ARRAY(SELECT data FROM audit_events WHERE xid >= $1::xid8 AND action = ANY($3) ORDER BY id)`,
			from, []string{audit.ActionStatus, audit.ActionAssign, audit.ActionTeam, audit.ActionSLABreach, audit.ActionReopen},
			[]string{audit.ActionMerge, audit.ActionUnmerge}).Scan(&horizon, &convs, &merged, &merges)
		if err != nil {
			return err
		}
		if len(merged) > 0 {
			moved, err := mergedConversations(ctx, tx, merged, merges)
			if err != nil {
				return err
			}
			convs = append(convs, moved...)
		}
		slices.Sort(convs)
		convs = slices.Compact(convs)
		out.Conversations = len(convs)
		if out.Horizon, err = strconv.ParseUint(horizon, 10, 64); err != nil {
			return err
		}
		if len(convs) == 0 {
			// Nothing past the horizon: the transaction writes nothing
			// (no commit to flush), as a report's roll mostly finds.
			return nil
		}
		if err := recompute(ctx, tx, convs, false); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE kpi_rollup SET horizon = GREATEST(horizon, $1::xid8), rolled_at = now()`, horizon)
		return err
	})
	if err != nil {
		return out, false, fmt.Errorf("kpi: roll: %w", err)
	}
	return out, locked, nil
}

// Rebuild recomputes every KPI table from all the facts, as if no roll
// had run before.
func (r *Roller) Rebuild(ctx context.Context) (Rolled, error) {
	var out Rolled
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(rollLock)); err != nil {
			return err
		}
		var horizon string
		var convs []int64
		// Every conversation, and the subjects of events whose
		// conversation is gone, as a roll reads those too.
		err := tx.QueryRow(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text,
				ARRAY(SELECT id FROM conversations UNION SELECT subject_id FROM audit_events
					WHERE subject_type = 'conversation' AND action = ANY($1) ORDER BY 1)`,
			[]string{audit.ActionStatus, audit.ActionAssign, audit.ActionSLABreach, audit.ActionReopen}).Scan(&horizon, &convs)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `TRUNCATE kpi_conversations, kpi_reopens, kpi_statuses, kpi_assignments,
				kpi_calls, kpi_daily`); err != nil {
			return err
		}
		// The conversations marked dirty before are recomputed with all
		// the others (a mark committed since stays for the next roll).
		if _, err := tx.Exec(ctx, `DELETE FROM kpi_dirty`); err != nil {
			return err
		}
		if err := recompute(ctx, tx, convs, true); err != nil {
			return err
		}
		out.Conversations = len(convs)
		if out.Horizon, err = strconv.ParseUint(horizon, 10, 64); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE kpi_rollup SET horizon = $1::xid8, rolled_at = now()`, horizon)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("kpi: rebuild: %w", err)
	}
	return out, nil
}

// mergedConversations returns the conversations of the contacts that
// merges and unmerges moved conversations between: the surviving contact
// (the events' subjects) and the other one (their data, audit.Merge).
// Their calls belong to another customer now.
func mergedConversations(ctx context.Context, tx pgx.Tx, subjects []int64, data [][]byte) ([]int64, error) {
	contacts := slices.Clone(subjects)
	for _, d := range data {
		var m audit.Merge
		audit.Decode(d, &m)
		if m.SourceID != 0 {
			contacts = append(contacts, m.SourceID)
		}
	}
	var convs []int64
	err := tx.QueryRow(ctx, `SELECT ARRAY(SELECT id FROM conversations WHERE contact_id = ANY($1)
			UNION SELECT conversation_id FROM kpi_calls WHERE contact_id = ANY($1))`, contacts).Scan(&convs)
	return convs, err
}

// recompute rewrites the KPI rows of convs (sorted) from their facts, a
// chunk at a time; all says that convs are every conversation (a rebuild).
func recompute(ctx context.Context, tx pgx.Tx, convs []int64, all bool) error {
	var callers []int64
	for chunk := range slices.Chunk(convs, rollChunk) {
		if err := rollHistory(ctx, tx, chunk); err != nil {
			return err
		}
		var c []int64
		if err := tx.QueryRow(ctx, rollConversationsSQL, chunk).Scan(&c); err != nil {
			return err
		}
		callers = append(callers, c...)
	}
	if all {
		if _, err := tx.Exec(ctx, fmt.Sprintf(dailySQL, "true"), Zone); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, fmt.Sprintf(callBacksSQL, "true"))
		return err
	}
	if len(convs) == 0 {
		return nil
	}
	var days []time.Time
	if err := tx.QueryRow(ctx, daysSQL, convs, Zone).Scan(&days); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM kpi_daily WHERE day = ANY($1)`, days); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf(dailySQL, dayRangeSQL), Zone, days); err != nil {
		return err
	}
	slices.Sort(callers)
	_, err := tx.Exec(ctx, fmt.Sprintf(callBacksSQL, "k.contact_id = ANY($1)"), slices.Compact(callers))
	return err
}
