package inbox_test

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

// externals returns the external ids of entries, in order.
func externals(entries []inbox.TimelineEntry) []string {
	var ids []string
	for _, e := range entries {
		ids = append(ids, *e.ExternalID)
	}
	return ids
}

// TestTimelineOrder: timelines are in the order things happened (sent_at,
// then id), whatever the order they were stored in: messages that arrive
// out of time order, and an imported backlog of older calls stored after
// newer messages, land in their place, and the pages' cursors follow the
// same order.
func TestTimelineOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 21, 6, 30, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	// Stored one by one in this order; s-tie1 and s-tie2 happened at the
	// same time and keep the order they were stored in.
	for _, m := range []struct {
		ext  string
		sent time.Time
	}{
		{"s-late", at(3 * time.Hour)}, {"s-mid", at(time.Hour)}, {"s-tie1", at(2 * time.Hour)},
		{"s-first", at(0)}, {"s-tie2", at(2 * time.Hour)},
	} {
		in := smsFrom(e.sms, "09120000001", m.ext)
		in.SentAt = m.sent
		e.ingest(t, in)
	}
	conv := e.conversationOf(t, "s-late")
	smsOrder := []string{"s-first", "s-mid", "s-tie1", "s-tie2", "s-late"}

	// Then a call log with older calls (and one in between) is imported.
	phone, err := e.ib.CreateChannel(ctx, channels.Phone, "pbx", nil)
	if err != nil {
		t.Fatal(err)
	}
	call := func(ext string, sent time.Time) channels.Inbound {
		return channels.Inbound{ChannelID: phone, ExternalID: ext, Kind: channels.KindCall, Direction: channels.In,
			From: channels.Identity{Kind: channels.IdentityPhone, Value: "09120000001"}, Text: "Answered call, 1m0s",
			Call: &channels.Call{Disposition: "ANSWERED", Duration: time.Minute}, SentAt: sent}
	}
	backlog := []channels.Inbound{call("c-old", at(-time.Hour)), call("c-between", at(2*time.Hour+30*time.Minute))}
	if n, err := e.ib.IngestBulk(ctx, backlog, func(i int, err error) { t.Errorf("call %d rejected: %v", i, err) }); err != nil || n != 2 {
		t.Fatalf("import: %d, %v", n, err)
	}
	contact := int64(e.count(t, `SELECT contact_id FROM conversations WHERE id = $1`, conv))
	contactOrder := []string{"c-old", "s-first", "s-mid", "s-tie1", "s-tie2", "c-between", "s-late"}

	// pages reads a timeline page by page, oldest page last, and returns
	// it oldest first.
	pages := func(t *testing.T, limit int, page func(before string) ([]inbox.TimelineEntry, string, error)) ([]string, int) {
		t.Helper()
		var all []string
		n := 0
		for before := ""; ; n++ {
			entries, older, err := page(before)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) > limit || (older != "" && len(entries) != limit) {
				t.Fatalf("page of %d entries, older %q", len(entries), older)
			}
			all = append(externals(entries), all...)
			if older == "" {
				return all, n + 1
			}
			before = older
		}
	}
	conversation := func(limit int) func(string) ([]inbox.TimelineEntry, string, error) {
		return func(before string) ([]inbox.TimelineEntry, string, error) {
			v, err := e.ib.ConversationView(ctx, conv, before, limit)
			return v.Messages, v.Older, err
		}
	}
	ofContact := func(limit int) func(string) ([]inbox.TimelineEntry, string, error) {
		return func(before string) ([]inbox.TimelineEntry, string, error) {
			return e.ib.ContactTimeline(ctx, contact, before, limit)
		}
	}
	tests := []struct {
		name  string
		limit int
		page  func(int) func(string) ([]inbox.TimelineEntry, string, error)
		want  []string
		pages int
	}{
		{"conversation, one page", 50, conversation, smsOrder, 1},
		{"conversation, pages of 2", 2, conversation, smsOrder, 3},
		{"conversation, pages of 1", 1, conversation, smsOrder, 5},
		{"contact, one page", 50, ofContact, contactOrder, 1},
		{"contact, pages of 3", 3, ofContact, contactOrder, 3},
		{"contact, pages of 2", 2, ofContact, contactOrder, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := pages(t, tt.limit, tt.page(tt.limit))
			if !slices.Equal(got, tt.want) || n != tt.pages {
				t.Errorf("%d pages: %v\nwant %d pages: %v", n, got, tt.pages, tt.want)
			}
		})
	}

	t.Run("the preview is of the latest in time", func(t *testing.T) {
		v, err := e.ib.ConversationView(ctx, conv, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		if v.Conversation.Preview != "salam s-late" {
			t.Errorf("preview %q, want s-late's (stored before s-tie2, later in time)", v.Conversation.Preview)
		}
	})

	t.Run("the older messages API", func(t *testing.T) {
		msgs, err := e.ib.Messages(ctx, conv)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range msgs {
			got = append(got, *m.ExternalID)
		}
		if !slices.Equal(got, smsOrder) {
			t.Errorf("Messages: %v, want %v", got, smsOrder)
		}
	})

	t.Run("a cursor of an id alone", func(t *testing.T) {
		// Pages made before timelines were ordered by time carry an id
		// alone: the page before s-late is still everything before it.
		late := e.count(t, `SELECT id FROM messages WHERE external_id = 's-late'`)
		old := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(late)))
		v, err := e.ib.ConversationView(ctx, conv, old, 50)
		if err != nil {
			t.Fatal(err)
		}
		if got := externals(v.Messages); !slices.Equal(got, smsOrder[:4]) {
			t.Errorf("before s-late: %v", got)
		}
		missing := base64.RawURLEncoding.EncodeToString([]byte("999999999"))
		if _, err := e.ib.ConversationView(ctx, conv, missing, 50); err == nil {
			t.Error("a cursor of a message that does not exist was accepted")
		}
	})

	t.Run("an index serves the order", func(t *testing.T) {
		// With sequential scans and sorts priced out, the planner shows
		// whether an index gives the page in order without a sort.
		err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off`); err != nil {
				return err
			}
			rows, _ := tx.Query(ctx, `EXPLAIN SELECT * FROM messages WHERE conversation_id = $1
				AND (sent_at, id) < ($2, $3) ORDER BY sent_at DESC, id DESC LIMIT 51`, conv, at(3*time.Hour), int64(1<<62))
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return err
			}
			plan := strings.Join(lines, "\n")
			if !strings.Contains(plan, "messages_timeline") || strings.Contains(plan, "Sort") {
				t.Errorf("plan:\n%s", plan)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
