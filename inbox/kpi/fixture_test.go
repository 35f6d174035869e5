package kpi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	ptime "github.com/yaa110/go-persian-calendar"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/kpi"
)

// tehran is where the fixture's days start.
func tehran(tb testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// builder writes the fixture the way the inbox does (same columns, same
// audit actions and data as inbox/actions.go, inbox/sla.go and the
// ingest), but at chosen times.
type builder struct {
	tb   testing.TB
	pool *pgxpool.Pool
	loc  *time.Location
}

// j returns a Jalali date and time in Tehran.
func (b *builder) j(y, m, d, hour, minute int) time.Time {
	return ptime.Date(y, ptime.Month(m), d, hour, minute, 0, 0, b.loc).Time()
}

func (b *builder) id(sql string, args ...any) int64 {
	b.tb.Helper()
	var id int64
	if err := b.pool.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		b.tb.Fatalf("%s: %v", sql, err)
	}
	return id
}

func (b *builder) exec(sql string, args ...any) {
	b.tb.Helper()
	if _, err := b.pool.Exec(context.Background(), sql, args...); err != nil {
		b.tb.Fatalf("%s: %v", sql, err)
	}
}

func (b *builder) user(name string) int64 {
	return b.id(`INSERT INTO users (email, name, role) VALUES ($1, $2, 'agent') RETURNING id`,
		name+"@example.com", name)
}

func (b *builder) team(name string, members ...int64) int64 {
	id := b.id(`INSERT INTO teams (name) VALUES ($1) RETURNING id`, name)
	for _, m := range members {
		b.exec(`INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)`, id, m)
	}
	return id
}

func (b *builder) channel(kind string) int64 {
	return b.id(`INSERT INTO channels (kind, name) VALUES ($1, $1 || ' line') RETURNING id`, kind)
}

func (b *builder) contact(name string) int64 {
	return b.id(`INSERT INTO contacts (name, name_fold) VALUES ($1, lower($1)) RETURNING id`, name)
}

// conv starts a conversation at created (its first message follows).
func (b *builder) conv(contact, channel, team int64, created time.Time) int64 {
	return b.id(`INSERT INTO conversations (contact_id, channel_id, team_id, reply_token, created_at,
			updated_at, last_message_at)
		VALUES ($1, $2, NULLIF($3, 0), gen_random_uuid()::text, $4, $4, $4) RETURNING id`,
		contact, channel, team, created)
}

// msg stores a message and updates the conversation as the ingest does:
// a customer message reopens a resolved conversation and starts a wait, a
// message to the customer ends it. disposition makes it a call.
func (b *builder) msg(conv int64, dir string, author int64, at time.Time, disposition string) {
	kind, call := "text", any(nil)
	if disposition != "" {
		kind, call = "call", map[string]any{"disposition": disposition, "duration": 60}
	}
	b.exec(`INSERT INTO messages (conversation_id, channel_id, direction, kind, author_id, call, sent_at, status)
		SELECT id, channel_id, $2, $3, NULLIF($4, 0), $5, $6, CASE WHEN $2 = 'in' THEN 'received' ELSE 'sent' END
		FROM conversations WHERE id = $1`, conv, dir, kind, author, call, at)
	if dir == "in" {
		b.exec(`UPDATE conversations SET status = 'open', resolved_at = NULL,
			waiting_since = COALESCE(waiting_since, $2), last_inbound_at = $2 WHERE id = $1`, conv, at)
	} else {
		b.exec(`UPDATE conversations SET first_response_at = COALESCE(first_response_at, $2),
			waiting_since = NULL WHERE id = $1`, conv, at)
	}
}

func (b *builder) note(conv, author int64, at time.Time) {
	b.exec(`INSERT INTO messages (conversation_id, direction, kind, author_id, body, status, sent_at)
		VALUES ($1, 'out', 'note', $2, 'a note', 'sent', $3)`, conv, author, at)
}

// assign is inbox.Assign at a chosen time.
func (b *builder) assign(conv, actor, assignee int64, at time.Time) {
	b.exec(`UPDATE conversations SET assignee_id = NULLIF($2, 0) WHERE id = $1`, conv, assignee)
	b.exec(`INSERT INTO audit_events (at, actor_id, action, subject_type, subject_id, data)
		VALUES ($1, NULLIF($2, 0), 'conversation.assign', 'conversation', $3, $4)`,
		at, actor, conv, map[string]any{"assignee_id": assignee})
}

// status is inbox.SetStatus at a chosen time.
func (b *builder) status(conv, actor int64, status string, at time.Time) {
	b.exec(`UPDATE conversations SET status = $2, resolved_at = CASE WHEN $2 = 'resolved' THEN $3::timestamptz END
		WHERE id = $1`, conv, status, at)
	b.exec(`INSERT INTO audit_events (at, actor_id, action, subject_type, subject_id, data)
		VALUES ($1, NULLIF($2, 0), 'conversation.status', 'conversation', $3, $4)`,
		at, actor, conv, map[string]any{"status": status, "until": nil})
}

// breach is the SLA check handling a breach at a chosen time; to 0 means
// no agent was available.
func (b *builder) breach(conv, policy, from, to int64, waiting, at time.Time) {
	b.exec(`INSERT INTO sla_breaches (conversation_id, policy_id, waiting_since, due_at, breached_at, from_user_id, to_user_id)
		VALUES ($1, $2, $3, $4, $4, $5, NULLIF($6, 0))`, conv, policy, waiting, at, from, to)
	var toArg any
	if to != 0 {
		toArg = to
		b.exec(`UPDATE conversations SET assignee_id = $2 WHERE id = $1`, conv, to)
	}
	b.exec(`INSERT INTO audit_events (at, action, subject_type, subject_id, data)
		VALUES ($1, 'conversation.sla_breach', 'conversation', $2, $3)`, at, conv,
		map[string]any{"policy_id": policy, "due_at": at, "from_user_id": from, "to_user_id": toArg})
}

// fixture is the hand-built workspace of the tests; the comments of
// kpi_test.go work out its numbers.
type fixture struct {
	ali, bahar, cyrus, dara int64
	t1, t2                  int64
	sms, email, phone, tg   int64
	from, to, now           time.Time
}

// buildFixture writes seven conversations around the Jalali new year,
// 1404/12/27 to 1405/01/02 (2026-03-18 to 2026-03-22), in Tehran. Times
// below are Tehran's; weekdays are those of the IranianWeek.
func buildFixture(t *testing.T, pool *pgxpool.Pool) fixture {
	b := &builder{tb: t, pool: pool, loc: tehran(t)}
	var f fixture
	f.ali, f.bahar, f.cyrus, f.dara = b.user("Ali"), b.user("Bahar"), b.user("Cyrus"), b.user("Dara")
	f.t1, f.t2 = b.team("Front", f.ali, f.bahar), b.team("Phones", f.cyrus, f.dara)
	f.sms, f.email, f.phone, f.tg = b.channel("sms"), b.channel("email"), b.channel("phone"), b.channel("telegram")
	sara, reza, nima := b.contact("Sara"), b.contact("Reza"), b.contact("Nima")
	sara2, nima2 := b.contact("Sara (Telegram)"), b.contact("Nima (second phone)")
	policy := b.id(`INSERT INTO sla_policies (name, first_response_minutes) VALUES ('First response', 60) RETURNING id`)
	f.from, f.to, f.now = b.j(1404, 12, 27, 0, 0), b.j(1405, 1, 3, 0, 0), b.j(1405, 1, 3, 12, 0)

	// C7, before the period (Wed 1404/12/20): Bahar resolves it in the
	// period, Ali reopens it half an hour later and resolves it himself.
	c7 := b.conv(sara, f.email, f.t1, b.j(1404, 12, 20, 10, 0))
	b.msg(c7, "in", 0, b.j(1404, 12, 20, 10, 0), "")
	b.assign(c7, 0, f.ali, b.j(1404, 12, 20, 10, 1))
	b.msg(c7, "out", f.ali, b.j(1404, 12, 20, 10, 10), "")
	b.status(c7, f.bahar, "resolved", b.j(1404, 12, 27, 9, 0))
	b.status(c7, f.ali, "open", b.j(1404, 12, 27, 9, 30))
	b.status(c7, f.ali, "resolved", b.j(1404, 12, 27, 10, 0))

	// C1 (Wed 1404/12/27, SMS): three turns with Ali, a note, resolved by Ali.
	c1 := b.conv(sara, f.sms, f.t1, b.j(1404, 12, 27, 10, 0))
	b.msg(c1, "in", 0, b.j(1404, 12, 27, 10, 0), "")
	b.assign(c1, 0, f.ali, b.j(1404, 12, 27, 10, 5))
	b.msg(c1, "out", f.ali, b.j(1404, 12, 27, 10, 30), "")
	b.note(c1, f.ali, b.j(1404, 12, 27, 10, 35))
	b.msg(c1, "in", 0, b.j(1404, 12, 27, 10, 40), "")
	b.msg(c1, "out", f.ali, b.j(1404, 12, 27, 11, 0), "")
	b.msg(c1, "in", 0, b.j(1404, 12, 27, 11, 10), "")
	b.msg(c1, "out", f.ali, b.j(1404, 12, 27, 11, 20), "")
	b.status(c1, f.ali, "resolved", b.j(1404, 12, 27, 12, 0))

	// C2 (Thu 1404/12/28, email): Bahar answers, the admin reassigns it to
	// Ali, who resolves it; Reza writes again on Friday (a reopening by
	// message) and Ali resolves it for good on 1405/01/01.
	c2 := b.conv(reza, f.email, f.t1, b.j(1404, 12, 28, 9, 0))
	b.msg(c2, "in", 0, b.j(1404, 12, 28, 9, 0), "")
	b.assign(c2, 0, f.bahar, b.j(1404, 12, 28, 9, 1))
	b.msg(c2, "out", f.bahar, b.j(1404, 12, 28, 9, 20), "")
	b.assign(c2, 0, f.ali, b.j(1404, 12, 28, 11, 0))
	b.status(c2, f.ali, "resolved", b.j(1404, 12, 28, 15, 0))
	b.msg(c2, "in", 0, b.j(1404, 12, 29, 8, 0), "")
	b.msg(c2, "out", f.ali, b.j(1404, 12, 29, 8, 30), "")
	b.status(c2, f.ali, "resolved", b.j(1405, 1, 1, 10, 0))

	// C3 (Fri 1404/12/29 evening, phone): a missed call, the SLA check
	// moves it from Cyrus to Dara, who calls back; Nima calls again on
	// 1405/01/01, Dara resolves; Cyrus calls Nima on 1405/01/02 17:00.
	c3 := b.conv(nima, f.phone, f.t2, b.j(1404, 12, 29, 20, 0))
	b.msg(c3, "in", 0, b.j(1404, 12, 29, 20, 0), "NO ANSWER")
	b.assign(c3, 0, f.cyrus, b.j(1404, 12, 29, 20, 1))
	b.breach(c3, policy, f.cyrus, f.dara, b.j(1404, 12, 29, 20, 0), b.j(1404, 12, 29, 21, 0))
	b.msg(c3, "out", f.dara, b.j(1404, 12, 29, 22, 0), "ANSWERED")
	b.msg(c3, "in", 0, b.j(1405, 1, 1, 9, 0), "ANSWERED")
	b.status(c3, f.dara, "resolved", b.j(1405, 1, 1, 9, 30))
	b.msg(c3, "out", f.cyrus, b.j(1405, 1, 2, 17, 0), "ANSWERED")

	// C4 (Sat 1405/01/01, Telegram): Sara from another account, no answer
	// yet, nobody assigned.
	c4 := b.conv(sara2, f.tg, 0, b.j(1405, 1, 1, 11, 0))
	b.msg(c4, "in", 0, b.j(1405, 1, 1, 11, 0), "")
	b.msg(c4, "in", 0, b.j(1405, 1, 1, 11, 5), "")

	// C5 (Sun 1405/01/02, SMS): Bahar writes first; Reza answers, Bahar
	// replies and sets it pending.
	c5 := b.conv(reza, f.sms, f.t1, b.j(1405, 1, 2, 14, 0))
	b.assign(c5, 0, f.bahar, b.j(1405, 1, 2, 14, 0))
	b.msg(c5, "out", f.bahar, b.j(1405, 1, 2, 14, 0), "")
	b.msg(c5, "in", 0, b.j(1405, 1, 2, 14, 30), "")
	b.msg(c5, "out", f.bahar, b.j(1405, 1, 2, 14, 45), "")
	b.status(c5, f.bahar, "pending", b.j(1405, 1, 2, 14, 50))

	// C6 (Sun 1405/01/02, phone): Nima from his second number: busy at
	// 16:00 (Cyrus's 17:00 call to his main number calls him back once the
	// contacts are merged), no answer at 18:00 (never called back). The
	// SLA check finds nobody else free.
	c6 := b.conv(nima2, f.phone, f.t2, b.j(1405, 1, 2, 16, 0))
	b.msg(c6, "in", 0, b.j(1405, 1, 2, 16, 0), "BUSY")
	b.assign(c6, 0, f.cyrus, b.j(1405, 1, 2, 16, 1))
	b.breach(c6, policy, f.cyrus, 0, b.j(1405, 1, 2, 16, 0), b.j(1405, 1, 2, 17, 0))
	b.msg(c6, "in", 0, b.j(1405, 1, 2, 18, 0), "NO ANSWER")

	// The merges: Sara's Telegram account and Nima's second number are
	// found to be theirs.
	contacts := crm.NewStore(pool)
	for _, m := range [][2]int64{{sara, sara2}, {nima, nima2}} {
		if _, err := contacts.Merge(context.Background(), m[0], m[1], 0); err != nil {
			t.Fatal(fmt.Errorf("merge %v: %w", m, err))
		}
	}
	return f
}

// report runs q over the fixture's period.
func (f fixture) report(t *testing.T, store *kpi.Store, q kpi.Query) *kpi.Report {
	t.Helper()
	q.From, q.To, q.Now = f.from, f.to, f.now
	r, err := store.Report(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// newFixture returns a fresh database holding the fixture.
func newFixture(t *testing.T) (*pgxpool.Pool, fixture) {
	pool := dbtest.New(t)
	return pool, buildFixture(t, pool)
}
