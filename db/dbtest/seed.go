package dbtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SeedSize says how big a workspace Seed generates and over which time
// span its conversations start.
type SeedSize struct {
	// Contacts is the number of customers; about 1% of them end merged
	// into another contact (their identities and conversations moved).
	Contacts int
	// Conversations is the number of conversations, each with at least
	// one message.
	Conversations int
	// Messages is the total number of messages (at least Conversations).
	Messages int
	// Agents is the number of agent users (an admin is added too).
	Agents int
	// From and To bound the conversations' creation times; zero values
	// mean the year before 2026-03-21 (1405/01/01 in Tehran).
	From, To time.Time
	// Seed makes the random choices; the same Seed and sizes give the
	// same data.
	Seed float64
}

// Seeded is what Seed created: the ids a benchmark or test filters by.
type Seeded struct {
	AdminID  int64
	AgentIDs []int64
	TeamIDs  []int64
	// ChannelIDs maps a channel kind (email, sms, telegram, phone) to its
	// channel.
	ChannelIDs map[string]int64
	Elapsed    time.Duration
}

// Seed fills an empty, migrated schema with a realistic workspace: agents
// in two teams, one channel of each kind, contacts with phone, email and
// Telegram identities (some merged), conversations in every status with
// assignees, messages in both directions (calls on the phone channel with
// ANSWERED, NO ANSWER and BUSY dispositions, a few notes), audit events for
// assignments, reassignments, resolves and reopens, and SLA breaches. It
// works set-based in one transaction (30–40 s per million messages on a
// busy two-core machine, mostly index upkeep) and is deterministic for a given size and Seed.
func Seed(tb testing.TB, pool *pgxpool.Pool, size SeedSize) Seeded {
	tb.Helper()
	out, err := SeedContext(context.Background(), pool, size)
	if err != nil {
		tb.Fatalf("dbtest: seed: %v", err)
	}
	return out
}

// SeedContext is Seed returning its error, for callers outside tests
// (peyk bench, a demo).
func SeedContext(ctx context.Context, pool *pgxpool.Pool, size SeedSize) (Seeded, error) {
	if size.From.IsZero() || size.To.IsZero() {
		size.To = time.Date(2026, 3, 20, 20, 30, 0, 0, time.UTC) // 1405/01/01 00:00 Tehran
		size.From = size.To.AddDate(-1, 0, 0)
	}
	switch {
	case size.Contacts < 2 || size.Conversations < 1 || size.Agents < 2:
		return Seeded{}, fmt.Errorf("seed needs 2+ contacts, 1+ conversations and 2+ agents: %+v", size)
	case size.Messages < size.Conversations:
		return Seeded{}, fmt.Errorf("seed needs at least one message per conversation: %+v", size)
	case !size.To.After(size.From):
		return Seeded{}, fmt.Errorf("seed period %s–%s is empty", size.From, size.To)
	}
	start := time.Now()
	out := Seeded{ChannelIDs: make(map[string]int64)}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// One backend, no parallel workers: random() then runs in a fixed order.
		if _, err := tx.Exec(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT setseed($1)`, seedValue(size.Seed)); err != nil {
			return err
		}
		// The steps read the sizes from transaction-local settings.
		_, err := tx.Exec(ctx, `SELECT set_config('seed.contacts', $1::int::text, true),
				set_config('seed.conversations', $2::int::text, true), set_config('seed.messages', $3::int::text, true),
				set_config('seed.agents', $4::int::text, true), set_config('seed.from', $5::timestamptz::text, true),
				set_config('seed.to', $6::timestamptz::text, true)`,
			size.Contacts, size.Conversations, size.Messages, size.Agents, size.From, size.To)
		if err != nil {
			return err
		}
		for _, step := range seedSteps() {
			if _, err := tx.Exec(ctx, step.sql); err != nil {
				return fmt.Errorf("%s: %w", step.name, err)
			}
		}
		return seedIDs(ctx, tx, &out)
	})
	if err != nil {
		return Seeded{}, err
	}
	out.Elapsed = time.Since(start)
	return out, nil
}

// seedValue maps any float to setseed's range [-1, 1].
func seedValue(s float64) float64 {
	for s > 1 || s < -1 {
		s /= 10
	}
	return s
}

func seedIDs(ctx context.Context, tx pgx.Tx, out *Seeded) error {
	err := tx.QueryRow(ctx, `SELECT id FROM users WHERE email = 'seed-admin@seed.local'`).Scan(&out.AdminID)
	if err != nil {
		return err
	}
	rows, _ := tx.Query(ctx, `SELECT id FROM seed_agents ORDER BY n`)
	if out.AgentIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return err
	}
	rows, _ = tx.Query(ctx, `SELECT id FROM teams WHERE name LIKE 'Seed %' ORDER BY id`)
	if out.TeamIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return err
	}
	rows, _ = tx.Query(ctx, `SELECT kind, id FROM seed_channels`)
	var kind string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&kind, &id}, func() error {
		out.ChannelIDs[kind] = id
		return nil
	})
	return err
}
