package channels_test

import (
	"context"
	"fmt"
	"time"

	"github.com/peykhq/peyk/channels"
)

// printSink stands in for the inbox: it prints what an adapter hands over.
type printSink struct{}

func (printSink) Ingest(_ context.Context, batch []channels.Inbound) error {
	for _, in := range batch {
		fmt.Printf("%s %s from %s %s: %s (cursor %q)\n", in.Kind, in.ExternalID, in.From.Kind, in.From.Value, in.Text, in.Cursor)
	}
	return nil
}

var _ channels.Sink = printSink{}

// An adapter turns a provider event into an Inbound and hands it to the
// sink, moving its cursor with the message.
func Example() {
	sink := printSink{}
	update := struct {
		ID     int
		ChatID int64
		Text   string
	}{ID: 41, ChatID: 7001, Text: "سلام"}
	err := sink.Ingest(context.Background(), []channels.Inbound{{
		ChannelID:  3,
		ExternalID: fmt.Sprintf("%d/%d", update.ChatID, update.ID),
		Kind:       channels.KindText,
		From:       channels.Identity{Kind: channels.IdentityTelegram, Value: fmt.Sprint(update.ChatID)},
		Text:       update.Text,
		SentAt:     time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC),
		Cursor:     fmt.Sprint(update.ID + 1),
	}})
	fmt.Println(err)
	// Output:
	// text 7001/41 from telegram 7001: سلام (cursor "42")
	// <nil>
}
