package email

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/inbox/schedule"
)

// appendAt adds raw to INBOX as written and arrived at t (its Date and
// INTERNALDATE).
func (s *imapServer) appendAt(t testing.TB, raw []byte, at time.Time) {
	t.Helper()
	raw = bytes.Replace(raw, []byte("Mon, 20 Apr 2026 10:00:00 +0330"), []byte(at.Format(time.RFC1123Z)), 1)
	if _, err := s.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{Time: at}); err != nil {
		t.Fatal(err)
	}
}

// TestReceiverFirstSyncHistory: the first sync of a mailbox that holds
// mail takes what arrived in the last sync_since as new, and what came
// before as history: imported resolved, outside the SLA clocks and the
// KPIs ("resolved"), or left alone ("skip"). History found later (mail
// moved into the mailbox from an archive) is history too.
func TestReceiverFirstSyncHistory(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{HistoryResolved, HistorySkip} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := newIMAPServer(t, imapServerOptions{})
			ib := newTestInbox(t)
			if _, err := ib.SetSLAPolicy(ctx, schedule.SLAPolicy{FirstResponse: time.Minute}); err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			old := now.Add(-30 * 24 * time.Hour)
			srv.appendAt(t, customerMail("Ali <ali@example.net>", "support@example.com", "Old question",
				"old-1@example.net", "", "old question"), old)
			srv.appendAt(t, customerMail("Ali <ali@example.net>", "support@example.com", "Re: Old question",
				"old-2@example.net", "old-1@example.net", "old follow-up"), old.Add(time.Hour))
			srv.appendAt(t, customerMail("Bahar <bahar@example.net>", "support@example.com", "New question",
				"new-1@example.net", "", "new question"), now.Add(-24*time.Hour))
			srv.appendAt(t, customerMail("Ali <ali@example.net>", "support@example.com", "Another one",
				"new-2@example.net", "", "today"), now)
			r := newTestReceiver(t, srv, ib.channel, func(c *Config) {
				c.SyncSince, c.History = Duration(7*24*time.Hour), mode
			})
			stop := startReceiver(t, r, "", ib)
			waitFor(t, "the cursor at UID 4", func() bool {
				cur, _ := parseCursor(ib.cursor(t))
				return cur.last == 4
			})
			cur, _ := parseCursor(ib.cursor(t))
			weekAgo := now.Add(-7 * 24 * time.Hour)
			if cur.since < weekAgo.Add(-time.Minute).Unix() || cur.since > weekAgo.Add(time.Minute).Unix() {
				t.Errorf("cursor %q: want the cutoff about a week ago", ib.cursor(t))
			}
			if err := stop(); err != context.Canceled {
				t.Fatalf("Run: %v", err)
			}
			// Restarted from its cursor, the receiver keeps its cutoff: an
			// old mail moved in from an archive is history too.
			srv.appendAt(t, customerMail("Ali <ali@example.net>", "support@example.com", "Archived",
				"old-3@example.net", "", "from the archive"), old.Add(2*time.Hour))
			srv.appendAt(t, customerMail("Sina <sina@example.net>", "support@example.com", "Hello",
				"new-3@example.net", "", "just now"), now)
			startReceiver(t, newTestReceiver(t, srv, ib.channel, func(c *Config) {
				c.SyncSince, c.History = Duration(time.Hour), mode
			}), ib.cursor(t), ib)
			waitFor(t, "the cursor at UID 6", func() bool {
				cur, _ := parseCursor(ib.cursor(t))
				return cur.last == 6
			})

			type row struct {
				status  string
				history bool
				waiting bool
				unread  int
			}
			conv := func(msgID string) (row, bool) {
				var r row
				err := ib.pool.QueryRow(ctx, `SELECT c.status, c.history, c.waiting_since IS NOT NULL, c.unread
					FROM messages m JOIN conversations c ON c.id = m.conversation_id
					WHERE m.channel_id = $1 AND m.message_id = $2`, ib.channel, msgID).
					Scan(&r.status, &r.history, &r.waiting, &r.unread)
				return r, err == nil
			}
			for _, id := range []string{"new-1@example.net", "new-2@example.net", "new-3@example.net"} {
				if r, ok := conv(id); !ok || r != (row{"open", false, true, 1}) {
					t.Errorf("new mail %s: conversation %+v (found %v), want open, waiting, unread", id, r, ok)
				}
			}
			for _, id := range []string{"old-1@example.net", "old-2@example.net", "old-3@example.net"} {
				r, ok := conv(id)
				switch {
				case mode == HistorySkip && ok:
					t.Errorf("history %s was imported, want it skipped", id)
				case mode == HistoryResolved && (!ok || r != row{"resolved", true, false, 0}):
					t.Errorf("history %s: conversation %+v (found %v), want resolved history, nothing waiting", id, r, ok)
				}
			}
			want := 6
			if mode == HistorySkip {
				want = 3
			} else if a, b := ib.conversationOf(t, "old-1@example.net"), ib.conversationOf(t, "old-2@example.net"); a != b {
				t.Errorf("the old follow-up is in conversation %d, its question in %d", b, a)
			}
			if n := ib.count(t); n != want {
				t.Errorf("%d messages stored, want %d", n, want)
			}

			// SLA clocks: only the new requests can breach.
			breaches, err := ib.CheckSLA(ctx, now.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if breaches != 3 {
				t.Errorf("%d SLA breaches, want 3 (the new mail only)", breaches)
			}
			// KPIs: history is no request and no backlog, in any period.
			for _, q := range []kpi.Query{
				{From: old.Add(-24 * time.Hour), To: now.Add(time.Hour), Locale: "en"},
				{From: old.Add(-24 * time.Hour), To: now.Add(time.Hour), Locale: "en", ChannelID: ib.channel},
			} {
				rep, err := kpi.New(ib.pool).Report(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Requests.Total != 3 || rep.Exchanges.Requests != 3 || rep.Backlog.Open != 3 {
					t.Errorf("channel filter %d: requests %d (%d in exchanges), backlog %d; want 3, 3, 3",
						q.ChannelID, rep.Requests.Total, rep.Exchanges.Requests, rep.Backlog.Open)
				}
				for _, d := range rep.Backlog.Daily {
					if d.Start.Before(now.Add(-3*24*time.Hour)) && d.Count != 0 {
						t.Errorf("backlog on %s is %d, want 0 before the new mail", d.Label, d.Count)
						break
					}
				}
			}
			if n := ib.scalar(t, `SELECT count(*) FROM kpi_reopens`); n != 0 {
				t.Errorf("%d reopenings recorded, want none", n)
			}
		})
	}
}
