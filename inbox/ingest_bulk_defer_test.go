package inbox

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
)

// TestIngestBulkDefers imports calls of more known customers without a
// phone conversation than one transaction may lock: the rest follow in
// further transactions, each customer's calls together and in order.
func TestIngestBulkDefers(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ib := New(pool, Config{}, nil)
	ctx := context.Background()
	sms, err := ib.CreateChannel(ctx, channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	phone, err := ib.CreateChannel(ctx, channels.Phone, "pbx", nil)
	if err != nil {
		t.Fatal(err)
	}
	const customers = 7
	var known, calls []channels.Inbound
	now := time.Now().UTC()
	for i := range customers {
		number := fmt.Sprintf("0912333%04d", i)
		known = append(known, channels.Inbound{ChannelID: sms, ExternalID: "s" + number,
			From: channels.Identity{Kind: channels.IdentityPhone, Value: number}, Text: "salam"})
		for j := range 2 {
			calls = append(calls, channels.Inbound{ChannelID: phone, ExternalID: fmt.Sprintf("c%d-%d", i, j), Kind: channels.KindCall,
				From: channels.Identity{Kind: channels.IdentityPhone, Value: number}, Text: "call",
				Call: &channels.Call{Disposition: "ANSWERED"}, SentAt: now.Add(time.Duration(j) * time.Minute)})
		}
	}
	calls = append(calls, channels.Inbound{ChannelID: phone, ExternalID: "new", Kind: channels.KindCall,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "09129999999"}, Call: &channels.Call{Disposition: "ANSWERED"}})
	if err := ib.Ingest(ctx, known); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{len(calls), 0} {
		n, err := ib.ingestBulk(ctx, calls, nil, 2)
		if err != nil || n != want {
			t.Fatalf("%d new, %v; want %d", n, err, want)
		}
	}
	if n := dbtest.Count(t, pool, `SELECT count(*) FROM conversations WHERE channel_id = $1`, phone); n != customers+1 {
		t.Errorf("%d phone conversations, want %d", n, customers+1)
	}
	// Each customer's two calls share a conversation, the first first.
	if n := dbtest.Count(t, pool, `SELECT count(*) FROM messages a JOIN messages b ON a.conversation_id = b.conversation_id
		WHERE a.external_id LIKE 'c%-0' AND b.external_id = replace(a.external_id, '-0', '-1') AND a.id < b.id`); n != customers {
		t.Errorf("%d customers have their calls together and in order, want %d", n, customers)
	}
}
