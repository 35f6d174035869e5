package telegram

import (
	"context"

	"github.com/peykhq/peyk/channels"
)

// maxBatchBytes bounds the attachment and text bytes handed to the sink in
// one call: a batch of 100 updates could otherwise hold 2 GB of files.
const maxBatchBytes = 32 << 20

// batch gathers converted updates for one hand-over to the sink.
type batch struct {
	inbounds []channels.Inbound
	edits    []channels.Update
	size     int
}

// add takes an event. An edit of a message in the same batch changes the
// message before it is stored instead of becoming an Update.
func (bt *batch) add(ev Event) {
	switch {
	case ev.Inbound != nil:
		in := *ev.Inbound
		bt.inbounds = append(bt.inbounds, in)
		bt.size += len(in.Text)
		for _, a := range in.Attachments {
			bt.size += len(a.Data)
		}
	case ev.Update != nil:
		for i := len(bt.inbounds) - 1; i >= 0; i-- {
			if bt.inbounds[i].ExternalID == ev.Update.ExternalID {
				bt.inbounds[i].Text = ev.Update.Text
				return
			}
		}
		bt.edits = append(bt.edits, *ev.Update)
		bt.size += len(ev.Update.Text)
	}
}

// flush applies the edits (they concern messages stored earlier), then
// ingests the new messages with cursor on the last one. Without new
// messages the cursor is saved on its own.
func (bt *batch) flush(ctx context.Context, store channels.Store, channelID int64, cursor string) error {
	if len(bt.edits) > 0 {
		if _, err := store.Update(ctx, bt.edits); err != nil {
			return err
		}
	}
	if len(bt.inbounds) > 0 {
		bt.inbounds[len(bt.inbounds)-1].Cursor = cursor
		return store.Ingest(ctx, bt.inbounds)
	}
	return store.SetCursor(ctx, channelID, cursor)
}
