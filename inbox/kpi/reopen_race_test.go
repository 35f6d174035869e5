package kpi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/audit"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestReopenRace: an ingest and an agent's resolve of one conversation,
// whose transaction ids are in the other order than the one in which they
// took the conversation's lock, are rolled in the order they took effect:
// the last kpi_statuses row agrees with conversations.status, and the
// reopening is counted exactly when the ingest's update undid a resolve.
//
// "ingest first by id, resolve first by lock": the ingest inserts the
// message (its transaction id is given then) and waits, before it
// updates the conversation, for a second connection's uncommitted insert
// of a message with the same external id (the insert's conflict check);
// meanwhile the agent resolves (a higher transaction id) and commits;
// the second connection rolls back and the ingest turns the conversation
// open again. "resolve first by id, ingest first by lock": a second
// connection begins, takes a transaction id, and resolves only after a
// whole ingest has committed (the conversation was open then).
func TestReopenRace(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		race     func(t *testing.T, env *raceEnv)
		status   string // conversations.status after both
		last     string // the last kpi_statuses row's status
		reopened int
	}{
		{"ingest first by id, resolve first by lock", ingestBeforeResolve, inbox.StatusOpen, "reopened", 1},
		{"resolve first by id, ingest first by lock", resolveBeforeIngest, inbox.StatusResolved, "resolved", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := newRaceEnv(t)
			c.race(t, env)
			if _, err := kpi.NewRoller(env.pool).Roll(t.Context()); err != nil {
				t.Fatal(err)
			}
			var status, last string
			var reopened int
			err := env.pool.QueryRow(t.Context(), `SELECT c.status,
					(SELECT s.status FROM kpi_statuses s WHERE s.conversation_id = c.id ORDER BY s.at DESC, s.ord DESC, s.id DESC LIMIT 1),
					(SELECT count(*) FROM kpi_reopens r WHERE r.conversation_id = c.id)
				FROM conversations c WHERE c.id = $1`, env.conv).Scan(&status, &last, &reopened)
			if err != nil {
				t.Fatal(err)
			}
			if status != c.status || last != c.last || reopened != c.reopened {
				t.Errorf("conversation %s, last kpi_statuses row %s, %d reopenings; want %s, %s, %d",
					status, last, reopened, c.status, c.last, c.reopened)
			}
			// A rebuild from scratch agrees.
			rolled := kpiTables(t, env.pool)
			if _, err := kpi.NewRoller(env.pool).Rebuild(t.Context()); err != nil {
				t.Fatal(err)
			}
			rebuilt := kpiTables(t, env.pool)
			for _, name := range []string{"statuses", "reopens"} {
				if fmt.Sprint(rolled[name]) != fmt.Sprint(rebuilt[name]) {
					t.Errorf("%s rolled %v, rebuilt %v", name, rolled[name], rebuilt[name])
				}
			}
		})
	}
}

// raceEnv is one SMS conversation, opened by a customer's message, and an
// agent.
type raceEnv struct {
	pool        *pgxpool.Pool
	ib          *inbox.Inbox
	sms         int64
	agent, conv int64
	from        channels.Identity
}

func newRaceEnv(t *testing.T) *raceEnv {
	t.Helper()
	env := &raceEnv{pool: dbtest.New(t), from: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}}
	env.ib = inbox.New(env.pool, inbox.Config{}, nil)
	var err error
	if env.sms, err = env.ib.CreateChannel(t.Context(), channels.SMS, "sms", nil); err != nil {
		t.Fatal(err)
	}
	env.agent = int64(dbtest.Count(t, env.pool, `INSERT INTO users (email, name, role) VALUES ('a@x.test', 'Ali', 'agent') RETURNING id`))
	env.ingest(t, "m0")
	env.conv = int64(dbtest.Count(t, env.pool, `SELECT id FROM conversations`))
	return env
}

// inbound is a customer's message with external id ext.
func (env *raceEnv) inbound(ext string) channels.Inbound {
	return channels.Inbound{ChannelID: env.sms, ExternalID: ext, From: env.from, Text: "salam",
		SentAt: time.Now().UTC().Add(-time.Minute)}
}

func (env *raceEnv) ingest(t *testing.T, ext ...string) {
	t.Helper()
	var in []channels.Inbound
	for _, e := range ext {
		in = append(in, env.inbound(e))
	}
	if err := env.ib.Ingest(t.Context(), in); err != nil {
		t.Fatal(err)
	}
}

// begin returns a transaction on a connection of its own.
func (env *raceEnv) begin(t *testing.T) pgx.Tx {
	t.Helper()
	c, err := env.pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	conn := c.Hijack() // the pool's settings (its schema), out of the pool
	t.Cleanup(func() { conn.Close(context.Background()) })
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

// xid returns tx's transaction id, taking one if it has none yet.
func xid(t *testing.T, tx pgx.Tx) uint64 {
	t.Helper()
	var x uint64
	if err := tx.QueryRow(t.Context(), `SELECT pg_current_xact_id()::text::bigint`).Scan(&x); err != nil {
		t.Fatal(err)
	}
	return x
}

func ingestBeforeResolve(t *testing.T, env *raceEnv) {
	ctx := t.Context()
	// The blocker holds m2's key: the ingest of m1 and m2 inserts m1 and
	// waits for it.
	blocker := env.begin(t)
	if _, err := blocker.Exec(ctx, `INSERT INTO messages (conversation_id, channel_id, external_id, direction, kind, status)
		VALUES ($1, $2, 'm2', 'in', 'text', 'received')`, env.conv, env.sms); err != nil {
		t.Fatal(err)
	}
	var pid int
	if err := blocker.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- env.ib.Ingest(ctx, []channels.Inbound{env.inbound("m1"), env.inbound("m2")}) }()
	ingestXid := blocked(t, env.pool, pid)
	if err := env.ib.SetStatus(ctx, env.agent, env.conv, inbox.StatusResolved, time.Time{}); err != nil {
		t.Fatal(err)
	}
	var resolveXid uint64
	if err := env.pool.QueryRow(ctx, `SELECT xid::text::bigint FROM audit_events WHERE action = $1`,
		audit.ActionStatus).Scan(&resolveXid); err != nil {
		t.Fatal(err)
	}
	if err := blocker.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if ingestXid >= resolveXid {
		t.Fatalf("the ingest's transaction id %d is not below the resolve's %d", ingestXid, resolveXid)
	}
}

func resolveBeforeIngest(t *testing.T, env *raceEnv) {
	ctx := t.Context()
	resolve := env.begin(t)
	first := xid(t, resolve)
	env.ingest(t, "m1")
	if _, err := resolve.Exec(ctx, `UPDATE conversations SET status = 'resolved', resolved_at = now(), updated_at = now()
		WHERE id = $1`, env.conv); err != nil {
		t.Fatal(err)
	}
	if _, err := resolve.Exec(ctx, `INSERT INTO audit_events (actor_id, action, subject_type, subject_id, data)
		VALUES ($1, $2, 'conversation', $3, $4)`, env.agent, audit.ActionStatus, env.conv,
		audit.Status{Status: inbox.StatusResolved}); err != nil {
		t.Fatal(err)
	}
	if err := resolve.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var ingestXid uint64
	if err := env.pool.QueryRow(ctx, `SELECT xid::text::bigint FROM messages WHERE external_id = 'm1'`).Scan(&ingestXid); err != nil {
		t.Fatal(err)
	}
	if first >= ingestXid {
		t.Fatalf("the resolve's transaction id %d is not below the ingest's %d", first, ingestXid)
	}
}

// blocked waits until a transaction waits for the one of the backend pid
// and returns its transaction id.
func blocked(t *testing.T, pool *pgxpool.Pool, pid int) uint64 {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var x []uint64
		err := pool.QueryRow(t.Context(), `SELECT ARRAY(SELECT backend_xid::text::bigint FROM pg_stat_activity
			WHERE $1 = ANY(pg_blocking_pids(pid)) AND backend_xid IS NOT NULL)`, pid).Scan(&x)
		if err != nil {
			t.Fatal(err)
		}
		if len(x) > 0 {
			return x[0]
		}
	}
	t.Fatalf("nothing waits for backend %d", pid)
	return 0
}
