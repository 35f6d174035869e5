package telegram

import (
	"context"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// recordSink records what a batch hands over.
type recordSink struct {
	ingested []channels.Inbound
	updated  []channels.Update
	cursor   string
}

func (s *recordSink) Ingest(_ context.Context, b []channels.Inbound) error {
	s.ingested = append(s.ingested, b...)
	return nil
}

func (s *recordSink) Update(_ context.Context, u []channels.Update) (int, error) {
	s.updated = append(s.updated, u...)
	return len(u), nil
}

func (s *recordSink) SetCursor(_ context.Context, _ int64, cursor string) error {
	s.cursor = cursor
	return nil
}

func TestBatchFlush(t *testing.T) {
	t.Parallel()
	in := func(id, text string) Event {
		return Event{Inbound: &channels.Inbound{ExternalID: id, Text: text}}
	}
	edit := func(id, text string) Event {
		return Event{Update: &channels.Update{ExternalID: id, Text: text, Edited: true}}
	}
	tests := []struct {
		name     string
		events   []Event
		ingested string // texts, with the cursor of the message that has one
		updated  string
		cursor   string // saved on its own
	}{
		{name: "messages", events: []Event{in("1:1", "a"), {Ignored: "group"}, in("1:2", "b")}, ingested: "a b@9"},
		{name: "edit in batch", events: []Event{in("1:1", "a"), edit("1:1", "a2"), edit("1:1", "a3")}, ingested: "a3@9"},
		{name: "edit of an older message", events: []Event{edit("1:0", "z"), in("1:1", "a")}, ingested: "a@9", updated: "z"},
		{name: "only edits", events: []Event{edit("1:0", "z")}, updated: "z", cursor: "9"},
		{name: "nothing", events: []Event{{Ignored: "group"}}, cursor: "9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var bt batch
			for _, ev := range tt.events {
				bt.add(ev)
			}
			s := &recordSink{}
			if err := bt.flush(context.Background(), s, 1, "9"); err != nil {
				t.Fatal(err)
			}
			var ingested, updated string
			for i, m := range s.ingested {
				if i > 0 {
					ingested += " "
				}
				ingested += m.Text
				if m.Cursor != "" {
					ingested += "@" + m.Cursor
				}
			}
			for _, u := range s.updated {
				updated += u.Text
			}
			if ingested != tt.ingested || updated != tt.updated || s.cursor != tt.cursor {
				t.Errorf("ingested %q, updated %q, cursor %q; want %q, %q, %q",
					ingested, updated, s.cursor, tt.ingested, tt.updated, tt.cursor)
			}
		})
	}
	var bt batch
	bt.add(edit("1:0", "z"))
	if err := bt.flush(context.Background(), nopSink{}, 1, "9"); err != nil {
		t.Errorf("a store that applies no update: %v", err)
	}
}
