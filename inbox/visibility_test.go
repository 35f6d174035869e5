package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

func TestSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		fallback bool
		want     string
	}{{"default off", false, "off"}, {"PEYK_TEAM_VISIBILITY on", true, "on"}} {
		t.Run(c.name, func(t *testing.T) {
			ib := inbox.New(e.pool, inbox.Config{TeamVisibility: c.fallback}, nil)
			s, err := ib.Setting(ctx, inbox.SettingTeamVisibility)
			if err != nil || s.Value != c.want || s.Stored {
				t.Fatalf("got %+v, %v; want %s from the configuration", s, err, c.want)
			}
			v, err := ib.ViewerFor(ctx, 1, false)
			if err != nil || v.Restricted != c.fallback {
				t.Errorf("agent viewer %+v, %v", v, err)
			}
			if v, _ := ib.ViewerFor(ctx, 1, true); v.Restricted {
				t.Error("an admin is restricted")
			}
		})
	}
	if _, err := e.ib.SetSetting(ctx, 0, "no_such_setting", "on"); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := e.ib.SetSetting(ctx, 0, inbox.SettingTeamVisibility, "maybe"); !errors.Is(err, inbox.ErrInvalid) {
		t.Errorf("bad value: %v", err)
	}
	// A stored value wins over the configuration, both ways.
	on := inbox.New(e.pool, inbox.Config{TeamVisibility: true}, nil)
	if s, err := e.ib.SetSetting(ctx, 0, inbox.SettingTeamVisibility, "OFF"); err != nil || s.Value != "off" {
		t.Fatalf("set: %+v %v", s, err)
	}
	if v, _ := on.ViewerFor(ctx, 1, false); v.Restricted {
		t.Error("the stored off lost to PEYK_TEAM_VISIBILITY")
	}
	if _, err := e.ib.SetSetting(ctx, 0, inbox.SettingTeamVisibility, "yes"); err != nil {
		t.Fatal(err)
	}
	ss, err := e.ib.Settings(ctx)
	if err != nil || len(ss) != 1 || ss[0] != (inbox.Setting{Key: "team_visibility", Value: "on", Stored: true}) {
		t.Errorf("settings %+v, %v", ss, err)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_events WHERE action = 'setting.set'`); n != 2 {
		t.Errorf("%d audit events, want 2", n)
	}
}

// TestScopedContactTimeline pages a contact's timeline for an agent who
// sees only one of its two conversations: pages are filled from further
// back and no hidden entry shows.
func TestScopedContactTimeline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	agent := e.agent(t, "Ali")
	team, err := e.ib.CreateTeam(ctx, "Sales")
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.ib.CreateTeam(ctx, "Support")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ib.AddTeamMember(ctx, team, agent); err != nil {
		t.Fatal(err)
	}
	// One contact on two SMS lines: Sales's, and Support's written to
	// far more often.
	line2, err := e.ib.CreateChannel(ctx, channels.SMS, "second line", nil)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Hour)
	var in []channels.Inbound
	for i := range 30 {
		m := smsFrom(e.sms, "09121112233", fmt.Sprint("s", i))
		if i%10 != 0 {
			m = smsFrom(line2, "09121112233", fmt.Sprint("o", i))
		}
		m.SentAt = base.Add(time.Duration(i) * time.Minute)
		in = append(in, m)
	}
	e.ingest(t, in...)
	smsConv, mailConv := e.conversationOf(t, "s0"), e.conversationOf(t, "o1")
	if err := e.ib.SetTeam(ctx, 0, smsConv, team); err != nil {
		t.Fatal(err)
	}
	if err := e.ib.SetTeam(ctx, 0, mailConv, other); err != nil {
		t.Fatal(err)
	}
	c, err := e.ib.Conversation(ctx, smsConv)
	if err != nil {
		t.Fatal(err)
	}
	sc := e.ib.As(inbox.Viewer{UserID: agent, Restricted: true})
	var seen []string
	before := ""
	for range 10 {
		page, older, err := sc.ContactTimeline(ctx, c.ContactID, before, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page {
			if m.ConversationID != smsConv {
				t.Fatalf("entry %d of hidden conversation %d", m.ID, m.ConversationID)
			}
			if m.ExternalID != nil {
				seen = append(seen, *m.ExternalID)
			}
		}
		if older == "" {
			break
		}
		before = older
	}
	if fmt.Sprint(seen) != "[s20 s10 s0]" { // pages of one, newest first
		t.Errorf("saw %v, want the three SMS of Sales's line", seen)
	}
	d, err := sc.ContactDetail(ctx, c.ContactID)
	if err != nil || len(d.Conversations) != 1 || d.Conversations[0].ID != smsConv {
		t.Errorf("contact detail conversations %+v, %v", d.Conversations, err)
	}
	if _, err := sc.ConversationView(ctx, mailConv, "", 0); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("hidden conversation view: %v", err)
	}
	if _, err := sc.AddNote(ctx, mailConv, "x"); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("note on hidden conversation: %v", err)
	}
	if _, err := sc.Message(ctx, int64(e.count(t, `SELECT id FROM messages WHERE external_id = 'o1'`))); !errors.Is(err, inbox.ErrNotFound) {
		t.Errorf("message of hidden conversation: %v", err)
	}
}
