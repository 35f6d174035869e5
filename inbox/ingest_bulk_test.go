package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
)

// phoneEnv is an env with a phone channel and an agent.
type phoneEnv struct {
	env
	phone, agent int64
}

func newPhoneEnv(t *testing.T) phoneEnv {
	t.Helper()
	e := phoneEnv{env: newEnv(t)}
	ctx := context.Background()
	var err error
	if e.phone, err = e.ib.CreateChannel(ctx, channels.Phone, "pbx", nil); err != nil {
		t.Fatal(err)
	}
	if err := e.pool.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('agent@example.com', 'Agent', 'agent')
		RETURNING id`).Scan(&e.agent); err != nil {
		t.Fatal(err)
	}
	return e
}

// call is a call timeline entry from or to number.
func call(ch int64, ext, number, name string, dir channels.Direction, disposition string, at time.Time) channels.Inbound {
	return channels.Inbound{ChannelID: ch, ExternalID: ext, Direction: dir, Kind: channels.KindCall,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: number, Name: name},
		Text: strings.ToLower(disposition) + " call", SentAt: at,
		Call: &channels.Call{Disposition: disposition, Duration: 42 * time.Second, Billable: 40 * time.Second}}
}

func (e phoneEnv) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := e.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

// snapshot describes contacts, conversations, messages and schedules
// without their ids, to compare two databases.
func (e phoneEnv) snapshot(t *testing.T) []string {
	t.Helper()
	if _, err := kpi.NewRoller(e.pool).Roll(context.Background()); err != nil { // the KPI tables are rolled, not kept by triggers
		t.Fatal(err)
	}
	// who names a contact by its identities.
	who := func(id string) string {
		return `(SELECT string_agg(kind || ':' || value, ',' ORDER BY kind, value) FROM contact_identities WHERE contact_id = ` + id + `)`
	}
	// conv names a conversation by its contact and its rank among the
	// contact's conversations.
	conv := func(id string) string {
		return `(SELECT ` + who("x.contact_id") + ` || '#' || (SELECT count(*) FROM conversations o
			WHERE o.contact_id = x.contact_id AND o.id <= x.id) || ' ' FROM conversations x WHERE x.id = ` + id + `)`
	}
	queries := []string{
		`SELECT 'contact ' || name || ' ' || name_fold || ' ' || ` + who("c.id") + `
			FROM contacts c WHERE merged_into IS NULL`,
		`SELECT 'conversation ' || ` + conv("c.id") + ` || concat_ws(' ', c.channel_id, c.status, c.unread,
			c.assignee_id, c.subject, c.created_at, c.last_message_at, c.last_inbound_at, c.waiting_since,
			c.first_response_at, c.resolved_at IS NULL, c.snoozed_until)
			FROM conversations c`,
		`SELECT 'message ' || ` + conv("m.conversation_id") + ` || concat_ws(' ', m.channel_id, m.external_id,
			m.direction, m.kind, m.status, m.body, m.call::text, m.sent_at, m.identity, m.truncated, m.headers::text)
			FROM messages m`,
		`SELECT 'kpi reopen ' || ` + conv("k.conversation_id") + ` || k.at FROM kpi_reopens k`,
		`SELECT 'kpi call ' || ` + conv("k.conversation_id") + ` || concat_ws(' ', k.sent_at, k.direction, k.answered)
			FROM kpi_calls k`,
		`SELECT 'kpi ' || ` + conv("k.conversation_id") + ` || concat_ws(' ', k.first_in_at, k.first_out_at,
			k.messages_in, k.messages_out, k.exchanges, k.last_dir) FROM kpi_conversations k`,
		`SELECT 'schedule ' || ` + conv("s.conversation_id") + ` || concat_ws(' ', s.kind, s.state,
			s.payload::text, s.user_id, ` + who("s.contact_id") + `)
			FROM schedules s`,
	}
	var out []string
	for _, q := range queries {
		rows, err := e.pool.Query(context.Background(), q)
		if err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

// history gives both databases of TestIngestBulkMatchesIngest the same
// past: conversations resolved long ago and lately, an assigned one, and
// a customer known from SMS only.
func (e phoneEnv) history(t *testing.T, now time.Time) {
	t.Helper()
	ctx := context.Background()
	past := []channels.Inbound{
		call(e.phone, "old-1", "09120000001", "Old", channels.In, "ANSWERED", now.Add(-10*24*time.Hour)),
		call(e.phone, "old-2", "09120000002", "Recent", channels.In, "ANSWERED", now.Add(-2*time.Hour)),
		call(e.phone, "old-3", "09120000003", "", channels.Out, "ANSWERED", now.Add(-3*time.Hour)),
		smsFrom(e.sms, "09120000004", "sms-4"),
	}
	past[3].SentAt = now.Add(-time.Hour)
	if err := e.ib.Ingest(ctx, past); err != nil {
		t.Fatal(err)
	}
	e.exec(t, `UPDATE conversations SET status = 'resolved', resolved_at = $1
		WHERE id = (SELECT conversation_id FROM messages WHERE external_id = 'old-1')`, now.Add(-5*24*time.Hour))
	e.exec(t, `UPDATE conversations SET status = 'resolved', resolved_at = $1, assignee_id = $2
		WHERE id = (SELECT conversation_id FROM messages WHERE external_id = 'old-2')`, now.Add(-time.Hour), e.agent)
	e.exec(t, `UPDATE conversations SET assignee_id = $1
		WHERE id = (SELECT conversation_id FROM messages WHERE external_id = 'old-3')`, e.agent)
	e.exec(t, `INSERT INTO schedules (kind, due_at, conversation_id, payload)
		SELECT 'followup', now() + interval '1 day', conversation_id, '{}' FROM messages WHERE external_id = 'old-2'`)
}

// bulkBatch is a call log touching every case of history: a conversation
// resolved long ago (a new one opens), one resolved lately (reopened),
// an outbound call answered by the customer's calls, a customer known
// from SMS, new customers (one named only on a later call, one called
// back between their calls), calls older than a day (no call-back) and
// repeats within the batch.
func bulkBatch(ch int64, now time.Time) []channels.Inbound {
	at := func(h float64) time.Time { return now.Add(time.Duration(h * float64(time.Hour))) }
	return []channels.Inbound{
		call(ch, "n-1", "+989120000001", "Old", channels.In, "NO ANSWER", at(-1)),
		call(ch, "n-2", "09120000002", "", channels.In, "BUSY", at(-0.9)),
		call(ch, "n-3", "۰۹۱۲۰۰۰۰۰۰۳", "", channels.In, "ANSWERED", at(-0.8)),
		call(ch, "n-4", "9120000003", "", channels.Out, "NO ANSWER", at(-0.7)),
		call(ch, "n-5", "09120000003", "", channels.In, "NO ANSWER", at(-0.6)),
		call(ch, "n-6", "09120000004", "Sara", channels.In, "FAILED", at(-0.5)),
		call(ch, "n-7", "09120000005", "", channels.In, "NO ANSWER", at(-30)),
		call(ch, "n-8", "09120000005", "علی رضایی", channels.In, "ANSWERED", at(-0.4)),
		call(ch, "n-9", "09120000006", "Out Only", channels.Out, "ANSWERED", at(-0.3)),
		call(ch, "n-5", "09120000003", "", channels.In, "NO ANSWER", at(-0.6)),
		call(ch, "n-10", "09120000001", "", channels.In, "ANSWERED", at(-0.2)),
		call(ch, "n-11", "09120000007", "", channels.In, "NO ANSWER", at(-0.25)),
		call(ch, "n-12", "09120000007", "", channels.Out, "ANSWERED", at(-0.15)),
		call(ch, "n-13", "09120000007", "", channels.In, "BUSY", at(-0.1)),
		call(ch, "n-14", "09120000007", "", channels.In, "ANSWERED", at(-0.05)),
	}
}

// liveAndBulk returns two databases with the same history, the live one
// with bulkBatch ingested, and the time of both.
func liveAndBulk(t *testing.T) (live, bulk phoneEnv, now time.Time) {
	t.Helper()
	live, bulk = newPhoneEnv(t), newPhoneEnv(t)
	now = time.Now().UTC().Truncate(time.Second)
	live.history(t, now)
	bulk.history(t, now)
	if err := live.ib.Ingest(context.Background(), bulkBatch(live.phone, now)); err != nil {
		t.Fatal(err)
	}
	return live, bulk, now
}

func TestIngestBulkMatchesIngest(t *testing.T) {
	t.Parallel()
	live, bulk, now := liveAndBulk(t)
	ctx := context.Background()
	n, err := bulk.ib.IngestBulk(ctx, bulkBatch(bulk.phone, now), func(i int, err error) { t.Errorf("row %d rejected: %v", i, err) })
	if err != nil || n != 14 {
		t.Fatalf("IngestBulk: %d new, %v; want 14", n, err)
	}
	want, got := live.snapshot(t), bulk.snapshot(t)
	if !slices.Equal(got, want) {
		t.Errorf("bulk and live differ\nbulk:\n%s\nlive:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range []string{"reminder pending {\"text\": \"Call back Recent (missed call)\"", "Call back +989120000003 (missed call)", "followup cancelled"} {
		if !strings.Contains(strings.Join(got, "\n"), s) {
			t.Errorf("no %q in\n%s", s, strings.Join(got, "\n"))
		}
	}
	// Old and +989120000007 were called back, or answered, after they
	// were missed: no call back is left open for them.
	for _, s := range []string{"Call back Old", "Call back +989120000007"} {
		if strings.Contains(strings.Join(got, "\n"), s) {
			t.Errorf("%q in\n%s", s, strings.Join(got, "\n"))
		}
	}

	t.Run("again adds nothing", func(t *testing.T) {
		n, err := bulk.ib.IngestBulk(ctx, bulkBatch(bulk.phone, now), nil)
		if err != nil || n != 0 {
			t.Fatalf("second IngestBulk: %d new, %v", n, err)
		}
		if again := bulk.snapshot(t); !slices.Equal(again, got) {
			t.Errorf("the second import changed\n%s\ninto\n%s", strings.Join(got, "\n"), strings.Join(again, "\n"))
		}
	})
	t.Run("again after resolving long ago adds nothing", func(t *testing.T) {
		bulk.exec(t, `UPDATE conversations SET status = 'resolved', resolved_at = now() - interval '30 days'`)
		before := bulk.snapshot(t)
		n, err := bulk.ib.IngestBulk(ctx, bulkBatch(bulk.phone, now), nil)
		if err != nil || n != 0 {
			t.Fatalf("third IngestBulk: %d new, %v", n, err)
		}
		if again := bulk.snapshot(t); !slices.Equal(again, before) {
			t.Errorf("the third import changed\n%s\ninto\n%s", strings.Join(before, "\n"), strings.Join(again, "\n"))
		}
	})
}

func TestIngestBulkRejects(t *testing.T) {
	t.Parallel()
	e := newPhoneEnv(t)
	now := time.Now().UTC()
	batch := []channels.Inbound{
		call(e.phone, "ok-1", "09121111111", "", channels.In, "ANSWERED", now),
		call(e.phone, "bad-number", "+44 1234", "", channels.In, "ANSWERED", now),
		call(e.phone, "", "09121111112", "", channels.In, "ANSWERED", now),
		{ChannelID: e.phone, ExternalID: "mail", Kind: channels.KindEmail,
			From: channels.Identity{Kind: channels.IdentityEmail, Value: "a@example.com"}},
		{ChannelID: e.phone, ExternalID: "cursor", From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121111113"}, Cursor: "7"},
		call(e.phone, "ok-2", "09121111114", "", channels.Out, "BUSY", now),
	}
	var bad []int
	n, err := e.ib.IngestBulk(context.Background(), batch, func(i int, err error) {
		if !errors.Is(err, inbox.ErrInvalid) {
			t.Errorf("row %d: %v does not wrap ErrInvalid", i, err)
		}
		bad = append(bad, i)
	})
	if err != nil || n != 2 || !slices.Equal(bad, []int{1, 2, 3, 4}) {
		t.Fatalf("%d new, rejected %v, %v", n, bad, err)
	}
	if got := e.count(t, `SELECT count(*) FROM messages`); got != 2 {
		t.Errorf("%d messages, want 2", got)
	}
}

func TestIngestBulkNoSuchChannel(t *testing.T) {
	t.Parallel()
	e := newPhoneEnv(t)
	_, err := e.ib.IngestBulk(context.Background(), []channels.Inbound{
		call(99999, "x", "09121111111", "", channels.In, "ANSWERED", time.Now())}, nil)
	if !errors.Is(err, inbox.ErrInvalid) || !strings.Contains(err.Error(), "channel that does not exist") {
		t.Fatalf("error %v", err)
	}
	if n := e.count(t, `SELECT count(*) FROM contacts`); n != 0 {
		t.Errorf("%d contacts left behind", n)
	}
}

// TestIngestBulkRacesIngest imports calls while the same new numbers
// call in live: each number ends with one contact and one conversation.
func TestIngestBulkRacesIngest(t *testing.T) {
	t.Parallel()
	e := newPhoneEnv(t)
	ctx := context.Background()
	const numbers = 30
	now := time.Now().UTC()
	for round := range 3 {
		var batch []channels.Inbound
		for i := range numbers {
			batch = append(batch, call(e.phone, fmt.Sprintf("bulk-%d-%d", round, i), fmt.Sprintf("0935%03d%04d", round, i), "", channels.In, "ANSWERED", now))
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := e.ib.IngestBulk(ctx, batch, nil); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			for i := numbers - 1; i >= 0; i-- {
				in := call(e.phone, fmt.Sprintf("live-%d-%d", round, i), fmt.Sprintf("+98935%03d%04d", round, i), "", channels.In, "NO ANSWER", now)
				if err := e.ib.Ingest(ctx, []channels.Inbound{in}); err != nil {
					t.Error(err)
				}
			}
		}()
		wg.Wait()
	}
	if n := e.count(t, `SELECT count(*) FROM contacts`); n != 3*numbers {
		t.Errorf("%d contacts for %d numbers", n, 3*numbers)
	}
	if n := e.count(t, `SELECT count(*) FROM conversations`); n != 3*numbers {
		t.Errorf("%d conversations for %d numbers", n, 3*numbers)
	}
	if n := e.count(t, `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		JOIN contact_identities i ON i.contact_id = c.contact_id AND 'phone:' || i.value = m.identity`); n != 6*numbers {
		t.Errorf("%d of %d calls are in their caller's conversation", n, 6*numbers)
	}
}

func TestIngestBulkMergedContacts(t *testing.T) {
	t.Parallel()
	e := newPhoneEnv(t)
	ctx := context.Background()
	now := time.Now().UTC()
	contact := func(number string) int64 {
		var id int64
		if err := e.pool.QueryRow(ctx, `SELECT contact_id FROM contact_identities WHERE value = $1`, number).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	if err := e.ib.Ingest(ctx, []channels.Inbound{smsFrom(e.sms, "09122222221", "s1"), smsFrom(e.sms, "09122222222", "s2"),
		smsFrom(e.sms, "09122222223", "s3"), smsFrom(e.sms, "09122222224", "s4")}); err != nil {
		t.Fatal(err)
	}
	store := crm.NewStore(e.pool)
	a, b := contact("+989122222221"), contact("+989122222222")
	if _, err := store.Merge(ctx, a, b, 0); err != nil {
		t.Fatal(err)
	}
	// An identity left on a merged contact, as a merge chain may leave
	// one, is followed to the contact it was merged into.
	c, d, f := contact("+989122222223"), contact("+989122222224"), int64(0)
	if err := e.pool.QueryRow(ctx, `INSERT INTO contacts (name) VALUES ('third') RETURNING id`).Scan(&f); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Merge(ctx, c, d, 0); err != nil {
		t.Fatal(err)
	}
	e.exec(t, `UPDATE contacts SET merged_into = $1 WHERE id = $2`, f, c)
	e.exec(t, `UPDATE contact_identities SET contact_id = $1 WHERE value = '+989122222224'`, d)

	n, err := e.ib.IngestBulk(ctx, []channels.Inbound{
		call(e.phone, "m-1", "09122222222", "", channels.In, "NO ANSWER", now),
		call(e.phone, "m-2", "09122222221", "", channels.In, "ANSWERED", now),
		call(e.phone, "m-3", "09122222224", "", channels.In, "ANSWERED", now),
	}, nil)
	if err != nil || n != 3 {
		t.Fatalf("%d new, %v", n, err)
	}
	for _, tt := range []struct {
		ext     string
		contact int64
	}{{"m-1", a}, {"m-2", a}, {"m-3", f}} {
		var got int64
		if err := e.pool.QueryRow(ctx, `SELECT c.contact_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
			WHERE m.external_id = $1`, tt.ext).Scan(&got); err != nil || got != tt.contact {
			t.Errorf("%s went to contact %d (%v), want %d", tt.ext, got, err, tt.contact)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM conversations WHERE channel_id = $1`, e.phone); n != 2 {
		t.Errorf("%d phone conversations, want 2", n)
	}
	if n := e.count(t, `SELECT count(*) FROM contacts`); n != 5 {
		t.Errorf("%d contacts, want 5 (no new one)", n)
	}
}
