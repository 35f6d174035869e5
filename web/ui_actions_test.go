package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox"
)

// TestUIActions posts each conversation form and checks what it did, the
// redirect back (post/redirect/get) and that a form without the CSRF
// token is refused.
func TestUIActions(t *testing.T) {
	t.Parallel()
	e := newUIEnv(t, "en")
	ctx := context.Background()
	conv := fmt.Sprintf("/conversations/%d", e.chatConv)
	soon := time.Now().In(tehran()).Add(2 * time.Hour).Format("2006-01-02T15:04")
	cases := []struct {
		name, path string
		form       url.Values
		check      func(t *testing.T, c inbox.Conversation, timeline []inbox.TimelineEntry)
	}{
		{"reply on telegram", conv + "/reply", url.Values{"text": {"We are on it"}, "channel": {fmt.Sprint(e.telegram)}},
			func(t *testing.T, _ inbox.Conversation, tl []inbox.TimelineEntry) {
				last := tl[len(tl)-1]
				if last.Body != "We are on it" || last.Direction != "out" || last.Status != "queued" || last.ChannelKind != "telegram" {
					t.Errorf("%+v", last)
				}
			}},
		{"reply by sms", conv + "/reply", url.Values{"text": {"Or by SMS"}, "channel": {fmt.Sprint(e.sms)}},
			func(t *testing.T, _ inbox.Conversation, tl []inbox.TimelineEntry) {
				if last := tl[len(tl)-1]; last.ChannelKind != "sms" || last.Identity != "phone:+989121234567" {
					t.Errorf("%+v", last)
				}
			}},
		{"note", conv + "/note", url.Values{"text": {"VIP customer"}},
			func(t *testing.T, _ inbox.Conversation, tl []inbox.TimelineEntry) {
				if last := tl[len(tl)-1]; last.Kind != "note" || last.AuthorName != "Agent Smith" {
					t.Errorf("%+v", last)
				}
			}},
		{"assign", conv + "/assign", url.Values{"assignee": {fmt.Sprint(e.user.ID)}},
			func(t *testing.T, c inbox.Conversation, _ []inbox.TimelineEntry) {
				if c.AssigneeID == nil || *c.AssigneeID != e.user.ID {
					t.Errorf("assignee %v", c.AssigneeID)
				}
			}},
		{"priority", conv + "/priority", url.Values{"priority": {"urgent"}},
			func(t *testing.T, c inbox.Conversation, _ []inbox.TimelineEntry) {
				if c.Priority != "urgent" {
					t.Errorf("priority %q", c.Priority)
				}
			}},
		{"snooze", conv + "/status", url.Values{"status": {"open"}, "until": {soon}},
			func(t *testing.T, c inbox.Conversation, _ []inbox.TimelineEntry) {
				if c.Status != "snoozed" || c.SnoozedUntil == nil {
					t.Errorf("%s %v", c.Status, c.SnoozedUntil)
				}
			}},
		{"resolve", conv + "/status", url.Values{"status": {"resolved"}},
			func(t *testing.T, c inbox.Conversation, _ []inbox.TimelineEntry) {
				if c.Status != "resolved" {
					t.Errorf("status %q", c.Status)
				}
			}},
		{"remind", conv + "/remind", url.Values{"at": {soon}, "text": {"call back"}},
			func(t *testing.T, c inbox.Conversation, _ []inbox.TimelineEntry) {
				ss, err := e.ib.Schedules(ctx, c.ID, e.user.ID)
				if err != nil || len(ss) != 1 || ss[0].Kind != "reminder" {
					t.Errorf("%v %+v", err, ss)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.post(c.path, c.form)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != conv {
				t.Fatalf("%d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
			}
			cv, err := e.ib.ConversationView(ctx, e.chatConv, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, cv.Conversation.Conversation, cv.Messages)
		})
	}

	bad := []struct {
		name, path string
		form       url.Values
		status     int
	}{
		{"no csrf", conv + "/note", url.Values{"text": {"x"}, "csrf_token": {"wrong"}}, http.StatusForbidden},
		{"empty reply", conv + "/reply", url.Values{"text": {"  "}}, http.StatusBadRequest},
		{"bad status", conv + "/status", url.Values{"status": {"gone"}}, http.StatusBadRequest},
		{"bad time", conv + "/remind", url.Values{"at": {"tomorrow"}}, http.StatusBadRequest},
		{"past reminder", conv + "/remind", url.Values{"at": {"2020-01-01T10:00"}}, http.StatusBadRequest},
		{"no such conversation", "/conversations/999999/note", url.Values{"text": {"x"}}, http.StatusNotFound},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			if resp, body := e.post(c.path, c.form); resp.StatusCode != c.status {
				t.Errorf("%d, want %d: %s", resp.StatusCode, c.status, body)
			}
		})
	}
}

// TestUIMergeAndLocale merges a contact from its page, undoes it, and
// switches the agent's language.
func TestUIMergeAndLocale(t *testing.T) {
	t.Parallel()
	e := newUIEnv(t, "en")
	ctx := context.Background()
	page := fmt.Sprintf("/contacts/%d", e.contact)
	if resp, body := e.post(page+"/merge", url.Values{"source": {fmt.Sprint(e.other)}}); resp.StatusCode != 303 {
		t.Fatalf("merge: %d %s", resp.StatusCode, body)
	}
	d, err := e.ib.ContactDetail(ctx, e.contact)
	if err != nil || len(d.Merges) != 1 {
		t.Fatalf("%v %+v", err, d.Merges)
	}
	if _, body := e.get(page); !strings.Contains(body, "sara.a@example.org") || !strings.Contains(body, `name="merge" value="`+fmt.Sprint(d.Merges[0].ID)) {
		t.Errorf("merged contact page: %s", body)
	}
	// The merged contact's own page leads to the contact it lives on in.
	if resp, _ := e.get(fmt.Sprintf("/contacts/%d", e.other)); resp.StatusCode != 303 || resp.Header.Get("Location") != page {
		t.Errorf("old contact: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := e.post(page+"/unmerge", url.Values{"merge": {fmt.Sprint(d.Merges[0].ID)}}); resp.StatusCode != 303 {
		t.Fatalf("unmerge: %d %s", resp.StatusCode, body)
	}
	if d, err = e.ib.ContactDetail(ctx, e.contact); err != nil || len(d.Merges) != 0 {
		t.Fatalf("after unmerge: %v %+v", err, d.Merges)
	}

	resp, _ := e.post("/locale", url.Values{"locale": {"fa"}, "back": {page}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != page {
		t.Fatalf("locale: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := e.get(page); !strings.Contains(body, `<html lang="fa" dir="rtl">`) {
		t.Errorf("after the switch the page is not Persian")
	}
	if resp, _ := e.post("/locale", url.Values{"locale": {"de"}}); resp.StatusCode != 400 {
		t.Errorf("locale de: %d", resp.StatusCode)
	}
	if resp, _ := e.post("/locale", url.Values{"locale": {"en"}, "back": {"//evil.example/"}}); resp.Header.Get("Location") != "/" {
		t.Errorf("open redirect: %s", resp.Header.Get("Location"))
	}
}

func tehran() *time.Location {
	loc, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		return time.FixedZone("+0330", 12600)
	}
	return loc
}
