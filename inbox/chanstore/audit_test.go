package chanstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox/audit"
	"github.com/peykhq/peyk/inbox/chanstore"
)

// Every change of a channel is recorded in the audit log, by the actor of
// the context, in the change's transaction, and without its secrets.
func TestChannelAudit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := chanstore.New(e.pool, "k1", nil)
	var uid int64
	if err := e.pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role) VALUES ('a@x.test', 'A', 'admin') RETURNING id`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), uid)
	id, err := st.AddChannel(ctx, channels.Email, "Sales", map[string]any{"from": "s@x.test"}, map[string]any{"imap_password": "hunter2"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name, action string
		do           func() error
	}{
		{"create", "channel.create", func() error { return nil }},
		{"update", "channel.update", func() error {
			return st.UpdateChannel(ctx, id, "Sales 2", map[string]any{"from": "t@x.test"}, map[string]any{"imap_password": "hunter3"})
		}},
		{"disable", "channel.disable", func() error { return st.SetChannelEnabled(ctx, id, false) }},
		{"enable", "channel.enable", func() error { return st.SetChannelEnabled(ctx, id, true) }},
		{"delete", "channel.delete", func() error { _, err := st.DeleteChannel(ctx, id, false); return err }},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := s.do(); err != nil {
				t.Fatal(err)
			}
			var actor int64
			var action, data string
			err := e.pool.QueryRow(ctx, `SELECT actor_id, action, data::text FROM audit_events
				WHERE subject_type = 'channel' AND subject_id = $1 ORDER BY id DESC LIMIT 1`, id).Scan(&actor, &action, &data)
			if err != nil {
				t.Fatal(err)
			}
			if actor != uid || action != s.action || strings.Contains(data, "hunter") {
				t.Errorf("event %d %s %s; want %d %s without the secret", actor, action, data, uid, s.action)
			}
		})
	}
	// A refused change records nothing.
	if err := st.SetChannelEnabled(ctx, id+1000, true); err == nil {
		t.Fatal("enabled a missing channel")
	}
	var n int
	_ = e.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE subject_id = $1`, id+1000).Scan(&n)
	if n != 0 {
		t.Errorf("%d events of a refused change", n)
	}
}

// Activity counts a channel's conversations and finds its last inbound
// message; a channel without conversations is absent.
func TestActivity(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	var contact int64
	if err := e.pool.QueryRow(ctx, `INSERT INTO contacts (name) VALUES ('C') RETURNING id`).Scan(&contact); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `INSERT INTO conversations (contact_id, channel_id, last_inbound_at, reply_token)
		VALUES ($1, $2, '2026-01-02T03:04:05Z', 'rt1'), ($1, $2, NULL, 'rt2')`, contact, e.mail); err != nil {
		t.Fatal(err)
	}
	got, err := e.st.Activity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := got[e.mail]
	if a.Conversations != 2 || a.LastInbound.UTC().Format("2006-01-02T15:04:05") != "2026-01-02T03:04:05" {
		t.Errorf("mail activity = %+v", a)
	}
	if _, ok := got[e.sms]; ok {
		t.Errorf("sms has activity %+v", got[e.sms])
	}
}
