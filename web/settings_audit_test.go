package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/inbox/audit"
)

// TestAuditPage checks the audit log page in fa and en: labels in the
// page's language (an unknown action as itself, another section's by its
// subject and verb), the system as an actor, Jalali dates shown and read
// back in the date filter, a bad day beside its field, and paging.
func TestAuditPage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		locale, from, to, setting, system, channel, badDay, date string
	}{
		{"fa", "۱۴۰۴/۱۲/۲۹", "۱۴۰۵/۰۱/۰۱", "تنظیم تغییر کرد", "سیستم", "کانال: ویرایش شد", "روز را مثل", ">۱۴۰۵/۰۱/۰۱ ۱۰:۰۰</time>"},
		{"en", "2026-03-20", "2026-03-21", "Setting changed", "System", "Channel: changed", "Write a day as", ">2026-03-21 10:00</time>"},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, c.locale)
			e.becomeAdmin()
			ctx := context.Background()
			// The fixture's own events (its channels) are not this test's.
			if _, err := e.pool.Exec(ctx, `DELETE FROM audit_events`); err != nil {
				t.Fatal(err)
			}
			// fixedTime is Nowruz 1405 (2026-03-21) in Tehran.
			for _, ev := range []struct {
				actor        int64
				action, kind string
				at           string
			}{
				{e.user.ID, "setting.set", "setting", "2026-03-21 10:00+03:30"},
				{0, "channel.update", "channel", "2026-03-20 10:00+03:30"},
				{e.user.ID, "widget.frobnicate", "widget", "2026-03-21 11:00+03:30"},
				{0, "user.create", "user", "2025-01-01 10:00+03:30"},
			} {
				if err := audit.Record(ctx, e.pool, audit.Event{ActorID: ev.actor, Action: ev.action, SubjectType: ev.kind, SubjectID: 1}); err != nil {
					t.Fatal(err)
				}
				if _, err := e.pool.Exec(ctx, `UPDATE audit_events SET at = $1 WHERE action = $2`, ev.at, ev.action); err != nil {
					t.Fatal(err)
				}
			}
			resp, body := e.get("/settings/audit?from=" + url.QueryEscape(c.from) + "&to=" + url.QueryEscape(c.to))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d\n%s", resp.StatusCode, body)
			}
			for _, want := range []string{c.setting, c.system, c.channel, "widget.frobnicate", c.date, `value="` + c.from + `"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the log has no %q", want)
				}
			}
			if strings.Contains(body, `data-action="user.create"`) {
				t.Error("an event before the date filter is listed")
			}
			resp, body = e.get("/settings/audit?from=tomorrow")
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.badDay) {
				t.Fatalf("a bad day: %d\n%s", resp.StatusCode, body)
			}
			_, body = e.get("/settings/audit?actor=system&limit=1")
			if !strings.Contains(body, `data-action="channel.update"`) || strings.Contains(body, `data-action="user.create"`) ||
				!strings.Contains(body, `rel="next"`) {
				t.Fatalf("the system's first page:\n%s", body)
			}
		})
	}
}
