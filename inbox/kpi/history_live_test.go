package kpi_test

import (
	"context"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestHistoryReopenedByLiveMail: a conversation of imported history
// counts nowhere until a customer's live mail threads into it and reopens
// it; from then on it is a request and in the backlog, which it never was
// while it held only history.
func TestHistoryReopenedByLiveMail(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	ib := inbox.New(pool, inbox.Config{}, nil)
	mail, err := ib.CreateChannel(ctx, channels.Email, "support", nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	from := channels.Identity{Kind: channels.IdentityEmail, Value: "sara@example.net"}
	old := now.Add(-10 * 24 * time.Hour)
	if err := ib.Ingest(ctx, []channels.Inbound{{ChannelID: mail, ExternalID: "h1", Kind: channels.KindEmail, From: from,
		Text: "old question", SentAt: old, History: true,
		Thread: channels.Thread{MessageID: "h1@example.net", Subject: "Order"}}}); err != nil {
		t.Fatal(err)
	}
	store := kpi.New(pool)
	q := kpi.Query{From: now.Add(-20 * 24 * time.Hour), To: now.Add(24 * time.Hour), Locale: "en", Zone: "UTC"}
	report := func() *kpi.Report {
		t.Helper()
		r, err := store.Report(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := report(); r.Requests.Total != 0 || r.Backlog.Open != 0 {
		t.Fatalf("history alone: %d requests, %d open; want none", r.Requests.Total, r.Backlog.Open)
	}

	live := now.Add(-time.Hour)
	if err := ib.Ingest(ctx, []channels.Inbound{{ChannelID: mail, ExternalID: "l1", Kind: channels.KindEmail, From: from,
		Text: "still waiting", SentAt: live,
		Thread: channels.Thread{MessageID: "l1@example.net", InReplyTo: "h1@example.net", Subject: "Re: Order"}}}); err != nil {
		t.Fatal(err)
	}
	var history bool
	var status string
	if err := pool.QueryRow(ctx, `SELECT history, status FROM conversations`).Scan(&history, &status); err != nil {
		t.Fatal(err)
	}
	if history || status != "open" {
		t.Fatalf("after the live mail: history %v, status %s; want a live open request", history, status)
	}
	r := report()
	if r.Requests.Total != 1 || r.Backlog.Open != 1 {
		t.Errorf("after the live mail: %d requests, %d open; want 1, 1", r.Requests.Total, r.Backlog.Open)
	}
	for _, d := range r.Backlog.Daily {
		want := 0
		if !d.Start.Add(24 * time.Hour).Before(live) {
			want = 1
		}
		if d.Start.Before(now.Add(2*time.Hour)) && d.Count != want {
			t.Errorf("backlog at the end of %s: %d, want %d", d.Key, d.Count, want)
		}
	}
}
