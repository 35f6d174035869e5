package kpi_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
)

// TestRollBesideIngest: rolls running all the while beside concurrent
// ingests, replies and resolves (transactions committing out of id
// order) leave, after a last roll, the same rows as a rebuild from
// scratch: no fact is skipped and none counted twice.
func TestRollBesideIngest(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewConfig(t, func(c *pgxpool.Config) { c.MaxConns = 12 })
	ctx := context.Background()
	ib := inbox.New(pool, inbox.Config{}, nil)
	sms, err := ib.CreateChannel(ctx, channels.SMS, "sms", nil)
	if err != nil {
		t.Fatal(err)
	}
	agent := int64(dbtest.Count(t, pool, `INSERT INTO users (email, name, role) VALUES ('a@x.test', 'Ali', 'agent') RETURNING id`))
	roller := kpi.NewRoller(pool)
	stop := make(chan struct{})
	rolled := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				rolled <- n
				return
			default:
			}
			if _, err := roller.Roll(ctx); err != nil {
				t.Error(err)
			}
			n++
		}
	}()
	var wg sync.WaitGroup
	for p := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := channels.Identity{Kind: channels.IdentityPhone, Value: fmt.Sprintf("0912000%04d", p)}
			for i := range 15 {
				err := ib.Ingest(ctx, []channels.Inbound{{ChannelID: sms, ExternalID: fmt.Sprintf("p%d-%d", p, i), From: from,
					Text: "salam", SentAt: time.Now().UTC()}})
				if err != nil {
					t.Error(err)
					return
				}
				var conv int64
				if err := pool.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE external_id = $1`,
					fmt.Sprintf("p%d-%d", p, i)).Scan(&conv); err != nil {
					t.Error(err)
					return
				}
				switch i % 3 {
				case 1:
					_, err = ib.AddReply(ctx, inbox.Reply{ConversationID: conv, AuthorID: agent, Text: "on it"})
				case 2:
					err = ib.SetStatus(ctx, agent, conv, inbox.StatusResolved, time.Time{})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if n := <-rolled; n < 2 {
		t.Logf("only %d rolls ran beside the writes", n)
	}
	if _, err := roller.Roll(ctx); err != nil {
		t.Fatal(err)
	}
	rolledRows := kpiTables(t, pool)
	if len(rolledRows["reopens"]) == 0 || len(rolledRows["conversations"]) != 6 {
		t.Fatalf("the writes left %d reopenings and %d conversations rolled; want some and 6",
			len(rolledRows["reopens"]), len(rolledRows["conversations"]))
	}
	if _, err := roller.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	rebuilt := kpiTables(t, pool)
	for name := range dumpSQL {
		t.Run(name, func(t *testing.T) {
			if !reflect.DeepEqual(rolledRows[name], rebuilt[name]) {
				t.Errorf("rolled\n%v\nrebuilt\n%v", rolledRows[name], rebuilt[name])
			}
		})
	}
}
