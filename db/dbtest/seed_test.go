package dbtest_test

import (
	"testing"
	"time"

	"github.com/peykhq/peyk/db/dbtest"
)

func TestSeed(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	size := dbtest.SeedSize{Contacts: 300, Conversations: 1000, Messages: 8000, Agents: 6, Seed: 7}
	s := dbtest.Seed(t, pool, size)
	if len(s.AgentIDs) != 6 || len(s.TeamIDs) != 2 || len(s.ChannelIDs) != 4 || s.AdminID == 0 {
		t.Fatalf("seeded %+v", s)
	}
	for _, c := range []struct {
		name string
		sql  string
		want int
	}{
		{"contacts", `SELECT count(*) FROM contacts`, 300},
		{"merged contacts", `SELECT count(*) FROM contacts WHERE merged_into IS NOT NULL`, 3},
		{"conversations", `SELECT count(*) FROM conversations`, 1000},
		{"messages", `SELECT count(*) FROM messages`, 8000},
		{"conversations without messages", `SELECT count(*) FROM conversations c
			WHERE NOT EXISTS (SELECT FROM messages m WHERE m.conversation_id = c.id)`, 0},
		{"conversations of merged contacts", `SELECT count(*) FROM conversations c
			JOIN contacts k ON k.id = c.contact_id WHERE k.merged_into IS NOT NULL`, 0},
		{"resolved without resolve event", `SELECT count(*) FROM conversations c WHERE status = 'resolved'
			AND NOT EXISTS (SELECT FROM audit_events e WHERE e.subject_id = c.id AND e.action = 'conversation.status')`, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := dbtest.Count(t, pool, c.sql); got != c.want {
				t.Errorf("%s = %d, want %d", c.sql, got, c.want)
			}
		})
	}
	for _, c := range []struct{ name, sql string }{
		{"calls", `SELECT count(*) FROM messages WHERE kind = 'call' AND call->>'disposition' = 'NO ANSWER'`},
		{"reassignments", `SELECT count(*) FROM (SELECT subject_id FROM audit_events WHERE action = 'conversation.assign'
			GROUP BY subject_id HAVING count(*) > 1) x`},
		{"reopens", `SELECT count(*) FROM audit_events WHERE data->>'status' = 'open'`},
		{"breaches", `SELECT count(*) FROM sla_breaches`},
		{"notes", `SELECT count(*) FROM messages WHERE kind = 'note'`},
		{"open", `SELECT count(*) FROM conversations WHERE status = 'open'`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := dbtest.Count(t, pool, c.sql); got == 0 {
				t.Errorf("%s = 0, want some", c.sql)
			}
		})
	}

	t.Run("deterministic", func(t *testing.T) {
		other := dbtest.New(t)
		dbtest.Seed(t, other, size)
		const digest = `SELECT hashtext(string_agg(conversation_id - (SELECT min(id) FROM conversations) || direction || kind ||
			sent_at::text || COALESCE(call->>'disposition', ''), ',' ORDER BY id))::bigint FROM messages`
		if a, b := dbtest.Count(t, pool, digest), dbtest.Count(t, other, digest); a != b {
			t.Errorf("two seeds differ: %d, %d", a, b)
		}
	})

	t.Run("bad size", func(t *testing.T) {
		_, err := dbtest.SeedContext(t.Context(), pool, dbtest.SeedSize{Contacts: 10, Conversations: 10, Messages: 5, Agents: 2,
			From: time.Now(), To: time.Now().Add(time.Hour)})
		if err == nil {
			t.Error("fewer messages than conversations accepted")
		}
	})
}

// BenchmarkSeed generates the large workspace of the report and API
// benchmarks: 50,000 contacts, 100,000 conversations, 1,000,000 messages.
func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		pool := dbtest.New(b)
		b.StartTimer()
		s := dbtest.Seed(b, pool, dbtest.SeedSize{Contacts: 50_000, Conversations: 100_000, Messages: 1_000_000, Agents: 20})
		b.ReportMetric(1_000_000/s.Elapsed.Seconds(), "msg/s")
	}
}
