package workers_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/workers"
)

// TestSendReply: the one reply path stores the reply queued and enqueues
// its delivery on the reply's own queue under the message's task id;
// without a queue the reply is stored all the same and the log says the
// reconciler will enqueue it; a reply the inbox refuses enqueues nothing.
func TestSendReply(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	agent := agentOf(t, f)
	insp := asynq.NewInspector(f.redis)
	t.Cleanup(func() { insp.Close() })
	for _, tc := range []struct {
		name      string
		reply     inbox.Reply
		noClient  bool
		wantQueue string
		wantErr   error
	}{
		{name: "agent reply goes live", reply: inbox.Reply{AuthorID: agent, Text: "salam"}, wantQueue: "live"},
		{name: "automatic reply goes default", reply: inbox.Reply{Text: "reminder"}, wantQueue: "default"},
		{name: "explicit queue", reply: inbox.Reply{Text: "campaign", Queue: "bulk"}, wantQueue: "bulk"},
		{name: "no queue", reply: inbox.Reply{AuthorID: agent, Text: "later"}, noClient: true, wantQueue: "live"},
		{name: "empty reply", reply: inbox.Reply{AuthorID: agent, Text: "  "}, wantErr: inbox.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			c := f.client
			if tc.noClient {
				c = nil
			}
			tc.reply.ConversationID = f.conv
			id, err := workers.SendReply(context.Background(), f.ib, c, log, tc.reply)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || id != 0 {
					t.Fatalf("SendReply = %d, %v; want %v", id, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d, err := f.ib.Delivery(context.Background(), id); err != nil || d.Status != "queued" {
				t.Fatalf("message %d: %+v, %v; want queued", id, d, err)
			}
			_, err = insp.GetTaskInfo(tc.wantQueue, "deliver:"+strconv.FormatInt(id, 10))
			if tc.noClient {
				if err == nil {
					t.Fatal("a delivery was enqueued without a queue")
				}
				if !strings.Contains(logs.String(), "message_id="+strconv.FormatInt(id, 10)) {
					t.Fatalf("log %q does not name the message", logs.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("delivery task of %d on %s: %v", id, tc.wantQueue, err)
			}
		})
	}
}

// agentOf adds an agent and returns its id.
func agentOf(t *testing.T, f fixture) int64 {
	t.Helper()
	var id int64
	err := f.pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role) VALUES ('agent@peyk.ir', 'Agent', 'agent')
		RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
