package inbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/inbox/schedule"
)

// An ingest that looked a phone up on contact B, then waited on B's
// advisory lock while another ingest merged B into A, files the message in
// a brand-new conversation of the merged-away contact B.
func TestIngestAfterConcurrentMerge(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.ingest(t, smsFrom(e.sms, "09121111111", "a-1")) // contact A
	e.ingest(t, smsFrom(e.sms, "09122222222", "b-1")) // contact B
	var a, b int64
	e.pool.QueryRow(ctx, `SELECT contact_id FROM contact_identities WHERE value = '+989121111111'`).Scan(&a)
	e.pool.QueryRow(ctx, `SELECT contact_id FROM contact_identities WHERE value = '+989122222222'`).Scan(&b)

	// What the first committer does for a message proving A and B one
	// customer: advisory locks on both, then MergeTx, not yet committed.
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	space := crm.LockSpace
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($2 | x) FROM unnest($1::bigint[]) x`, []int64{a, b}, space); err != nil {
		t.Fatal(err)
	}
	if _, err := crm.MergeTx(ctx, tx, a, b, 0); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.ib.Ingest(ctx, []channels.Inbound{smsFrom(e.sms, "09122222222", "b-2")}) }()
	time.Sleep(500 * time.Millisecond) // the second committer looked B up and waits on its lock
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var contact int64
	var merged *int64
	err = e.pool.QueryRow(ctx, `SELECT c.contact_id, ct.merged_into FROM messages m
		JOIN conversations c ON c.id = m.conversation_id JOIN contacts ct ON ct.id = c.contact_id
		WHERE m.external_id = 'b-2'`).Scan(&contact, &merged)
	if err != nil {
		t.Fatal(err)
	}
	if merged != nil {
		t.Fatalf("message b-2 filed under contact %d, which is merged into %d (want contact %d's conversation)", contact, *merged, a)
	}
}

// Replacing an SLA policy cascades away sla_breaches, so every breach
// already handled is handled again: re-notified and reassigned again.
func TestSLAPolicyChangeKeepsBreaches(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.user(t, "ali", true)
	e.user(t, "sara", true)
	if _, err := e.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{FirstResponse: 30 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	in := smsFrom(e.sms, "09123334444", "late")
	in.SentAt = time.Now().Add(-time.Hour)
	e.ingest(t, in)
	if n, err := e.ib.CheckSLA(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("first check: %d %v", n, err)
	}
	// The admin tightens the policy.
	if _, err := e.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{FirstResponse: 20 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	n, err := e.ib.CheckSLA(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("the same wait breached again after the policy was replaced: %d breaches, %d notifications",
			n, e.count(t, `SELECT count(*) FROM notifications WHERE kind = 'sla'`))
	}
}

// TestRepliesBesideIngest: agents reply and change the status of a
// conversation while its customer keeps writing. The KPI triggers write
// rows per conversation; before migration 00013 an ingest took them
// before the conversation row and a reply the other way round, and the
// reply failed with "deadlock detected".
func TestRepliesBesideIngest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	agent := e.agent(t, "Ali")
	e.ingest(t, smsFrom(e.sms, "09121110000", "first"))
	conv := e.conversationOf(t, "first")
	const rounds = 40
	var wg sync.WaitGroup
	errs := make(chan error, 3*rounds)
	wg.Add(3)
	go func() {
		defer wg.Done()
		for i := range rounds {
			errs <- e.ib.Ingest(ctx, []channels.Inbound{smsFrom(e.sms, "09121110000", fmt.Sprintf("in-%d", i))})
		}
	}()
	go func() {
		defer wg.Done()
		for i := range rounds {
			_, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, AuthorID: agent, Text: fmt.Sprintf("reply %d", i)})
			errs <- err
		}
	}()
	go func() {
		defer wg.Done()
		for i := range rounds {
			status := inbox.StatusResolved
			if i%2 == 1 {
				status = inbox.StatusOpen
			}
			errs <- e.ib.SetStatus(ctx, agent, conv, status, time.Time{})
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := kpi.NewRoller(e.pool).Roll(context.Background()); err != nil { // the KPI tables are rolled, not kept by triggers
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT messages_in + messages_out FROM kpi_conversations WHERE conversation_id = $1`, conv); n < 1 {
		t.Fatalf("kpi messages = %d", n)
	}
}

// Deleting an SLA policy cascaded away its breaches, so the reports' past
// breach counts dropped after the fact; they are kept, without a policy.
func TestSLAPolicyDeleteKeepsBreaches(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.user(t, "ali", true)
	id, err := e.ib.SetSLAPolicy(ctx, schedule.SLAPolicy{FirstResponse: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	in := smsFrom(e.sms, "09123335555", "late")
	in.SentAt = time.Now().Add(-time.Hour)
	e.ingest(t, in)
	if n, err := e.ib.CheckSLA(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("check: %d %v", n, err)
	}
	if err := e.ib.DeleteSLAPolicy(ctx, 0, id); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, `SELECT count(*) FROM sla_breaches WHERE policy_id IS NULL`); n != 1 {
		t.Fatalf("breaches kept after the policy was deleted: %d, want 1", n)
	}
}
