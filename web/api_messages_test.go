package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/channels"
)

func TestAPIMessages(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	// One customer on SMS and e-mail: the mail proves both identities.
	conv := e.ingest(t, smsIn(e.sms, "09121112233", "s1", "hi"))
	mail := channels.Inbound{ChannelID: e.mail, ExternalID: "m1@x", Kind: channels.KindEmail,
		From: channels.Identity{Kind: channels.IdentityEmail, Value: "sara@example.com"},
		Also: []channels.Identity{{Kind: channels.IdentityPhone, Value: "09121112233"}},
		Text: "by mail", Thread: channels.Thread{MessageID: "m1@x", Subject: "order"}}
	e.ingest(t, mail)
	lone := e.ingest(t, smsIn(e.sms, "09129998877", "s2", "only sms"))
	c := fmt.Sprintf("/api/v1/conversations/%d", conv)
	e.run(t, []apiStep{
		{"list", "GET", c + "/messages", e.agent, "", 200, `"body":"hi"`},
		{"list bad limit", "GET", c + "/messages?limit=0", e.agent, "", 400, `limit`},
		{"list missing", "GET", "/api/v1/conversations/99999/messages", e.agent, "", 404, `"not_found"`},
		{"reply", "POST", c + "/messages", e.agent, `{"text":"سلام، بله"}`, 201, `"status":"queued"`},
		{"reply by mail", "POST", c + "/messages", e.agent, fmt.Sprintf(`{"text":"by mail","channel_id":%d}`, e.mail), 201, `"id":`},
		{"reply with attachment", "POST", c + "/messages", e.agent,
			fmt.Sprintf(`{"text":"see","channel_id":%d,"attachments":[{"name":"a.txt","content_type":"text/plain","data":"aGk="}]}`, e.mail), 201, `"id":`},
		{"reply by mail to no address", "POST", fmt.Sprintf("/api/v1/conversations/%d/messages", lone), e.agent,
			fmt.Sprintf(`{"text":"x","channel_id":%d}`, e.mail), 400, `no email`},
		{"empty reply", "POST", c + "/messages", e.agent, `{"text":"  "}`, 400, `empty`},
		{"reply bad json", "POST", c + "/messages", e.agent, `{"text":`, 400, `"invalid"`},
		{"reply unknown field", "POST", c + "/messages", e.agent, `{"txt":"x"}`, 400, `unknown field`},
		{"reply missing", "POST", "/api/v1/conversations/99999/messages", e.agent, `{"text":"x"}`, 404, `"not_found"`},
		{"note", "POST", c + "/notes", e.agent, `{"text":"called her"}`, 201, `"id":`},
		{"empty note", "POST", c + "/notes", e.agent, `{"text":""}`, 400, `empty note`},
		{"timeline shows all", "GET", c + "/messages", e.agent, "", 200, `"author_name":"Agent"`},
		{"attachment metadata", "GET", c + "/messages", e.agent, "", 200, `"name":"a.txt"`},
	})

	// Every reply's delivery is in Redis, on its queue, keyed by message id.
	ins := asynq.NewInspector(e.redis)
	defer ins.Close()
	rows, err := e.pool.Query(context.Background(), `SELECT id, queue FROM messages WHERE status = 'queued'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var queue string
		if err := rows.Scan(&id, &queue); err != nil {
			t.Fatal(err)
		}
		info, err := ins.GetTaskInfo(queue, "deliver:"+strconv.FormatInt(id, 10))
		if err != nil || !strings.Contains(string(info.Payload), strconv.FormatInt(id, 10)) {
			t.Fatalf("delivery of %d: %v", id, err)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("%d queued replies, want 3", n)
	}
}
