package twilio_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

// A delivery report reaches the message we sent: queued by the inbox,
// marked sent with Twilio's sid, then delivered or failed by the callback.
func TestStatusUpdatesStoredMessage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	if resp, body := e.postSigned(t, inPath, readForm(t, "inbound.form")); resp.StatusCode != http.StatusOK {
		t.Fatalf("inbound = %d %s", resp.StatusCode, body)
	}
	var conv int64
	if err := e.pool.QueryRow(ctx, `SELECT id FROM conversations`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	send := func(sid string) int64 {
		id, err := e.ib.AddReply(ctx, inbox.Reply{ConversationID: conv, Text: "سفارش شما ارسال شد"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.ib.MarkSent(ctx, id, sid); err != nil {
			t.Fatal(err)
		}
		return id
	}
	delivered := send("SM5ab2e2e8a5b74c7bb7e6f2d0c8a3a111")
	failed := send("SM5ab2e2e8a5b74c7bb7e6f2d0c8a3a222")
	status := func(id int64) (string, string) {
		var s, msg string
		if err := e.pool.QueryRow(ctx, `SELECT status, error FROM messages WHERE id = $1`, id).Scan(&s, &msg); err != nil {
			t.Fatal(err)
		}
		return s, msg
	}

	// A forged report changes nothing.
	forged := readForm(t, "status_delivered.form")
	if resp, _ := e.post(t, stPath, forged.Encode(), "forged"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("forged report = %d, want 403", resp.StatusCode)
	}
	if s, _ := status(delivered); s != "sent" {
		t.Fatalf("after a forged report status = %s, want sent", s)
	}

	for _, name := range []string{"status_delivered.form", "status_undelivered.form"} {
		if resp, body := e.postSigned(t, stPath, readForm(t, name)); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s = %d %s", name, resp.StatusCode, body)
		}
	}
	if s, _ := status(delivered); s != "delivered" {
		t.Errorf("delivered message status = %s", s)
	}
	if s, msg := status(failed); s != "failed" || !strings.Contains(msg, "30003") {
		t.Errorf("undelivered message = %s %q, want failed mentioning error 30003", s, msg)
	}
	// A late "sent" does not move a delivered message back.
	late := readForm(t, "status_delivered.form")
	late.Set("MessageStatus", "sent")
	late.Set("SmsStatus", "sent")
	if resp, _ := e.postSigned(t, stPath, late); resp.StatusCode != http.StatusOK {
		t.Fatalf("late sent = %d", resp.StatusCode)
	}
	if s, _ := status(delivered); s != "delivered" {
		t.Errorf("after a late sent status = %s, want delivered", s)
	}
}

func TestStatusMapping(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, tc := range []struct {
		status, code string
		want         string // "" when nothing is applied
		wantErr      string
	}{
		{status: "queued"},
		{status: "accepted"},
		{status: "sending"},
		{status: "sent", want: channels.StatusSent},
		{status: "delivered", want: channels.StatusDelivered},
		{status: "read", want: channels.StatusDelivered},
		{status: "undelivered", code: "30005", want: channels.StatusFailed, wantErr: "undelivered (error 30005"},
		{status: "failed", code: "30008", want: channels.StatusFailed, wantErr: "failed (error 30008"},
		{status: "canceled", want: channels.StatusFailed, wantErr: "canceled"},
		{status: "some-new-status"},
	} {
		t.Run(tc.status, func(t *testing.T) {
			sid := "SM-" + tc.status
			form := url.Values{"MessageSid": {sid}, "MessageStatus": {tc.status}, "AccountSid": {testSID}}
			if tc.code != "" {
				form.Set("ErrorCode", tc.code)
			}
			if resp, body := e.postSigned(t, stPath, form); resp.StatusCode != http.StatusOK {
				t.Fatalf("reply = %d %s", resp.StatusCode, body)
			}
			var got *channels.Update
			for _, u := range e.rec.Updates() {
				if u.ExternalID == sid {
					got = &u
				}
			}
			switch {
			case tc.want == "" && got != nil:
				t.Fatalf("update %+v, want none", *got)
			case tc.want == "":
			case got == nil:
				t.Fatalf("no update, want %s", tc.want)
			case got.Status != tc.want || got.ChannelID != e.ch || !strings.Contains(got.Error, tc.wantErr) || got.At.IsZero():
				t.Fatalf("update = %+v, want status %s error ~%q", *got, tc.want, tc.wantErr)
			}
		})
	}
}

func TestStatusMalformed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	form := url.Values{"MessageSid": {"SM1"}}
	resp, body := e.postSigned(t, stPath, form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(errorReason(t, resp, body), "MessageStatus") {
		t.Fatalf("reply = %d %s, want 400 naming MessageStatus", resp.StatusCode, body)
	}
	if len(e.rec.Updates()) != 0 {
		t.Fatal("a malformed report was applied")
	}
}
