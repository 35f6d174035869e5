package inbox

import (
	"context"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db"
	"github.com/peykhq/peyk/db/dbtest"
)

// TestIngestRetriesTransient: an ingest that meets a database that went
// away is tried again with backoff. When the database is back within the
// retries the message is stored once; when it is not, the error says the
// database could not be reached (db.IsTransient) and so does the
// context's Report, which the webhooks read to answer 503.
func TestIngestRetriesTransient(t *testing.T) {
	old := transientBackoff
	transientBackoff = 500 * time.Millisecond // not parallel: the var is the package's
	t.Cleanup(func() { transientBackoff = old })
	pool, proxy := dbtest.NewBehindProxy(t)
	ib := New(pool, Config{}, nil)
	ctx := context.Background()
	ch, err := ib.CreateChannel(ctx, channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	msg := func(id string) []channels.Inbound {
		return []channels.Inbound{{ChannelID: ch, ExternalID: id, Text: "salam",
			From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}}}
	}
	down := func() {
		proxy.SetDown(true)
		pool.Reset() // no idle connection survives: the next one is refused
	}

	t.Run("database back within the retries", func(t *testing.T) {
		down()
		before := proxy.Refused()
		done := make(chan error, 1)
		go func() { done <- ib.Ingest(ctx, msg("m-1")) }()
		for proxy.Refused() == before {
			select {
			case err := <-done:
				t.Fatalf("ingest returned %v before trying the database", err)
			case <-time.After(10 * time.Millisecond):
			}
		}
		proxy.SetDown(false)
		if err := <-done; err != nil {
			t.Fatalf("ingest: %v, want the retry to store it", err)
		}
		if n := dbtest.Count(t, pool, `SELECT count(*) FROM messages WHERE external_id = 'm-1'`); n != 1 {
			t.Fatalf("stored %d times", n)
		}
	})

	t.Run("database down through the retries", func(t *testing.T) {
		down()
		before := proxy.Refused()
		rctx, rep := WithReport(ctx)
		err := ib.Ingest(rctx, msg("m-2"))
		if err == nil || !db.IsTransient(err) {
			t.Fatalf("ingest: %v, want a transient error", err)
		}
		if refused := proxy.Refused() - before; refused < transientRetries+1 {
			t.Errorf("the database was tried %d times, want %d", refused, transientRetries+1)
		}
		if !rep.Unavailable() || len(rep.ExternalIDs()) != 1 || rep.ExternalIDs()[0] != "m-2" {
			t.Fatalf("report: unavailable %v, ids %v", rep.Unavailable(), rep.ExternalIDs())
		}
		proxy.SetDown(false)
		if n := dbtest.Count(t, pool, `SELECT count(*) FROM messages WHERE external_id = 'm-2'`); n != 0 {
			t.Fatalf("stored %d times", n)
		}
	})
}
