package kavenegar_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

func TestStatuses(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{replies: map[string][]string{"sms/status": {"status.json"}}}
	g := newGateway(t, api, nil)
	ids := []string{"85463238", "85463239", "85463240", "85463241", "85463242", "85463243"}
	ups, err := g.Statuses(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]channels.Update{}
	for _, u := range ups {
		got[u.ExternalID] = u
	}
	want := map[string]string{
		"85463238": channels.StatusDelivered,
		"85463239": channels.StatusFailed,
		"85463241": channels.StatusSent,
		"85463242": channels.StatusFailed,
	}
	if len(got) != len(want) {
		t.Fatalf("updates = %+v, want %v (queued and invalid ids change nothing)", ups, want)
	}
	for id, status := range want {
		if got[id].Status != status || got[id].ChannelID != 1 {
			t.Errorf("%s: %+v, want %s", id, got[id], status)
		}
	}
	if !strings.Contains(got["85463242"].Error, "blocked") || !strings.Contains(got["85463239"].Error, "11") {
		t.Errorf("failure reasons: %q, %q", got["85463242"].Error, got["85463239"].Error)
	}
	if c := api.calledWith()[0]; c.form.Get("messageid") != strings.Join(ids, ",") {
		t.Fatalf("messageid = %q", c.form.Get("messageid"))
	}
}

// The delivery callback reaches the message we sent through the inbox.
func TestDeliveryCallback(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	if resp, body := e.do(t, "POST", "/webhooks/kavenegar/in/"+testSecret, formType, readFile(t, "callback.form")); resp.StatusCode != 200 {
		t.Fatalf("inbound = %d %s", resp.StatusCode, body)
	}
	var conv int64
	if err := e.pool.QueryRow(ctx, `SELECT id FROM conversations`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	id, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, Text: "فردا ارسال می\u200cشود"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ib.MarkSent(ctx, id, "8792343"); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		var s string
		if err := e.pool.QueryRow(ctx, `SELECT status FROM messages WHERE id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if resp, _ := e.do(t, "POST", "/webhooks/kavenegar/status/wrong", formType, readFile(t, "delivery.form")); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("wrong secret = %d, want 403", resp.StatusCode)
	}
	if s := status(); s != "sent" {
		t.Fatalf("after a forged report status = %s", s)
	}
	if resp, body := e.do(t, "POST", "/webhooks/kavenegar/status/"+testSecret, formType, readFile(t, "delivery.form")); resp.StatusCode != 200 {
		t.Fatalf("delivery = %d %s", resp.StatusCode, body)
	}
	if s := status(); s != "delivered" {
		t.Fatalf("status = %s, want delivered", s)
	}
	resp, body := e.do(t, "GET", "/webhooks/kavenegar/status/"+testSecret+"?messageid=1&status=ten", "", "")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(errorReason(t, resp, body), "numeric status") {
		t.Fatalf("bad status = %d %s", resp.StatusCode, body)
	}
	if n := len(e.rec.Updates()); n != 1 {
		t.Fatalf("updates = %d, want 1", n)
	}
}
