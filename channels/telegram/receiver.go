package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/peykhq/peyk/channels"
)

// Sink is where a bot's updates go: new messages to Ingest, edits to
// Update. The inbox is one.
type Sink interface {
	channels.Sink
	channels.Updater
}

// Run long-polls getUpdates until ctx is done, then returns ctx.Err().
// cursor is the channel's stored cursor: the next update offset (the last
// update_id handed over plus one) in decimal, or "" to start with whatever
// Telegram still holds.
//
// Each batch of updates becomes one store.Ingest call whose last message
// carries the new cursor, so the offset is committed with the messages;
// edits go to store.Update first; a batch without new messages moves the
// cursor through store.SetCursor. Failed polls, downloads
// and ingests are retried with backoff from the same offset (Telegram's
// retry_after is honoured), so nothing is skipped and nothing is stored
// twice. A webhook left set from webhook mode is deleted, since Telegram
// refuses getUpdates while one is set. An attachment that still cannot be
// downloaded after five attempts is stored without its content, so one bad
// file does not hold up the channel.
func (b *Bot) Run(ctx context.Context, cursor string, sink channels.Store) error {
	offset, err := parseCursor(cursor)
	if err != nil {
		return err
	}
	wait := b.backoffMin
	failures := 0 // in a row, at the same offset
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var files Files = b
		if failures >= maxAttempts {
			files = lastTry{b}
		}
		start := offset
		updates, err := b.poll(ctx, offset)
		if err == nil && len(updates) > 0 {
			err = b.deliver(ctx, updates, sink, files, &offset)
		}
		if err == nil || offset != start {
			failures = 0
		}
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			failures++
			pause := wait
			var ra *channels.RetryAfterError
			if errors.As(err, &ra) {
				pause = ra.After
			}
			b.log.Warn("telegram: receiving failed", "channel_id", b.channelID, "err", err, "offset", offset, "retry_in", pause)
			sleep(ctx, pause)
			wait = min(2*wait, b.backoffMax)
		case len(updates) == 0:
			wait = b.backoffMin
			sleep(ctx, time.Duration(b.cfg.PollInterval))
		default:
			wait = b.backoffMin
		}
	}
}

// parseCursor reads a stored cursor: "" or a non-negative offset.
func parseCursor(cursor string) (int, error) {
	if cursor == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(cursor)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("telegram: cursor %q is not an update offset: %w", cursor, channels.ErrInvalid)
	}
	return n, nil
}

// poll fetches the updates from offset on, waiting up to PollTimeout.
func (b *Bot) poll(ctx context.Context, offset int) ([]tgbotapi.Update, error) {
	api, d := b.call(ctx)
	updates, err := api.GetUpdates(tgbotapi.UpdateConfig{
		Offset:         offset,
		Limit:          100,
		Timeout:        int(time.Duration(b.cfg.PollTimeout) / time.Second),
		AllowedUpdates: []string{"message", "edited_message"},
	})
	if err == nil {
		return updates, nil
	}
	if apiCode(err) == 409 { // a webhook is set: polling takes over
		b.log.Warn("telegram: deleting the webhook so polling can receive updates", "channel_id", b.channelID)
		if derr := b.DeleteWebhook(ctx); derr != nil {
			return nil, derr
		}
	}
	return nil, classify("getUpdates", err, d.status)
}

// deliver converts updates and hands them to sink, moving *offset past
// each part committed.
func (b *Bot) deliver(ctx context.Context, updates []tgbotapi.Update, sink channels.Store, files Files, offset *int) error {
	var bt batch
	for i, u := range updates {
		ev, err := ConvertAs(ctx, b.channelID, b.cfg.identity(), u, files)
		if err != nil {
			return err
		}
		if ev.Ignored != "" {
			b.log.Debug("telegram: update ignored", "channel_id", b.channelID, "update_id", u.UpdateID, "reason", ev.Ignored)
		}
		bt.add(ev)
		if bt.size < maxBatchBytes && i < len(updates)-1 {
			continue
		}
		next := max(*offset, u.UpdateID+1)
		if err := bt.flush(ctx, sink, b.channelID, strconv.Itoa(next)); err != nil {
			return err
		}
		*offset = next
		bt = batch{}
	}
	return nil
}

// maxAttempts is how many times in a row Run tries a batch before it
// gives up on the attachments it cannot download, storing them without
// content rather than never getting past them.
const maxAttempts = 5

// lastTry downloads with Files once more, and makes any failure permanent.
type lastTry struct{ Files }

func (f lastTry) Download(ctx context.Context, fileID string) ([]byte, error) {
	data, err := f.Files.Download(ctx, fileID)
	if err != nil && ctx.Err() == nil && !errors.Is(err, channels.ErrPermanent) {
		err = fmt.Errorf("%w (given up after %d attempts): %w", err, maxAttempts, channels.ErrPermanent)
	}
	return data, err
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
