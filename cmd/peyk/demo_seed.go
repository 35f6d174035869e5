package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/workers"
)

// waitStored waits until the messages of events are in the inbox (the
// receivers and webhooks have committed them), or timeout passes.
func waitStored(ctx context.Context, a *app, c *demoCustomers, events []demoEvent, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		var missing []string
		for _, e := range events {
			if _, err := conversationOf(ctx, a, c, e); errors.Is(err, crm.ErrNotFound) {
				missing = append(missing, e.ID)
			} else if err != nil {
				return err
			}
		}
		if len(missing) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: not stored within %s: %v", timeout, missing)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// conversationOf returns the conversation of an event's message.
func conversationOf(ctx context.Context, a *app, c *demoCustomers, e demoEvent) (int64, error) {
	channel, ext := c.externalID(e)
	var conv int64
	// A mail is stored under its Message-ID and a digest of its content.
	err := a.pool.QueryRow(ctx, `SELECT conversation_id FROM messages
		WHERE channel_id = $1 AND (external_id = $2 OR message_id = $2) LIMIT 1`,
		channel, ext).Scan(&conv)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("demo: message %s: %w", e.ID, crm.ErrNotFound)
	}
	return conv, err
}

// seedConversations gives the burst's conversations what a working team
// would have done by now: each is in the team, most are assigned (round
// robin), tagged, some have a private note and some an answer that the
// workers deliver through the stand-ins. Each step is skipped when it is
// done already, so a second start changes nothing.
func seedConversations(ctx context.Context, a *app, c *demoCustomers, ws demoWorkspace, burst []demoEvent) error {
	byID := make(map[string]int64)
	for _, e := range burst {
		conv, err := conversationOf(ctx, a, c, e)
		if err != nil {
			return err
		}
		byID[e.ID] = conv
	}
	tags := make(map[int64][]string)
	names := make(map[int64]string)
	for _, e := range burst {
		tags[byID[e.ID]] = append(tags[byID[e.ID]], e.Tags...)
		names[byID[e.ID]] = e.Who.Name()
	}
	contacts := crm.NewStore(a.pool)
	rows, _ := a.pool.Query(ctx, `SELECT id FROM conversations WHERE channel_id = ANY($1) ORDER BY id`,
		[]int64{c.chans.Email, c.chans.Telegram, c.chans.SMS, c.chans.Phone})
	convs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	actor := ws.Admin.ID
	for i, conv := range convs {
		cv, err := a.ib.Conversation(ctx, conv)
		if err != nil {
			return err
		}
		if cv.TeamID == nil {
			if err := a.ib.SetTeam(ctx, actor, conv, ws.Team); err != nil {
				return err
			}
		}
		if cv.AssigneeID == nil && i%5 != 4 { // leave a few for the team to pick up
			if err := a.ib.Assign(ctx, actor, conv, ws.Agents[i%len(ws.Agents)].ID); err != nil {
				return err
			}
		}
		if err := nameContact(ctx, contacts, cv.ContactID, names[conv]); err != nil {
			return err
		}
		if add := missing(tags[conv], cv.Tags); len(add) > 0 {
			if err := a.ib.Tag(ctx, actor, conv, add, nil); err != nil {
				return err
			}
		}
	}
	sara, err := a.ib.Conversation(ctx, byID["s-sara-1"])
	if err != nil {
		return err
	}
	vip, err := contacts.Get(ctx, sara.ContactID)
	if err != nil {
		return err
	}
	if add := missing([]string{"vip"}, vip.Tags); len(add) > 0 {
		if err := contacts.Tag(ctx, vip.ID, add, nil); err != nil {
			return err
		}
	}
	for _, n := range demoNotes() {
		done, err := hasMessage(ctx, a.ib, byID[n.To], "note")
		if err != nil {
			return err
		}
		if done {
			continue
		}
		if _, err := a.ib.AddNote(ctx, ws.Agents[n.Agent].ID, byID[n.To], n.Text); err != nil {
			return err
		}
	}
	q := asynq.NewClient(a.redis)
	defer q.Close()
	for _, r := range demoReplies() {
		done, err := hasMessage(ctx, a.ib, byID[r.To], "out")
		if err != nil {
			return err
		}
		if done {
			continue
		}
		reply := inbox.Reply{ConversationID: byID[r.To], AuthorID: ws.Agents[r.Agent].ID, Text: r.Text}
		if _, err := workers.SendReply(ctx, a.ib, q, a.log, reply); err != nil {
			return err
		}
	}
	return nil
}

// hasMessage reports whether conversation conv has a note (what "note")
// or an answer to the customer (what "out").
func hasMessage(ctx context.Context, ib *inbox.Inbox, conv int64, what string) (bool, error) {
	msgs, err := ib.Messages(ctx, conv)
	if err != nil {
		return false, err
	}
	for _, m := range msgs {
		if (what == "note" && m.Kind == "note") || (what == "out" && m.Direction == "out" && (m.Kind == "text" || m.Kind == "email")) {
			return true, nil
		}
	}
	return false, nil
}

// missing returns the tags of want that have is lacks.
func missing(want, have []string) []string {
	var out []string
	for _, t := range want {
		if !slices.Contains(have, t) {
			out = append(out, t)
		}
	}
	return out
}

// nameContact gives a contact without a name (an SMS sender) the name
// the customer goes by, as an agent would.
func nameContact(ctx context.Context, contacts *crm.Store, id int64, name string) error {
	if name == "" {
		return nil
	}
	c, err := contacts.Get(ctx, id)
	if err != nil || c.Name != "" {
		return err
	}
	return contacts.SetName(ctx, id, name)
}
