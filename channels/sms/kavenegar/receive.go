package kavenegar

import (
	"cmp"
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/peykhq/peyk/channels"
)

var _ channels.Receiver = (*Gateway)(nil)

// Receive fetches the line's unread incoming messages from
// sms/receive.json (linenumber = Sender, isread = 0), oldest first.
// Kavenegar marks what it returns as read, so the caller must store the
// batch before it forgets it; Run does.
func (g *Gateway) Receive(ctx context.Context) ([]channels.Inbound, error) {
	params := url.Values{"linenumber": {g.cfg.Sender}, "isread": {"0"}}
	var entries []entry
	if err := g.call(ctx, "sms/receive", params, &entries); err != nil {
		return nil, err
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.MessageID, b.MessageID) })
	batch := make([]channels.Inbound, 0, len(entries))
	for _, e := range entries {
		in, err := g.inbound(strconv.FormatInt(e.MessageID, 10), e.Sender, e.Receptor, e.Message)
		if err != nil {
			// The inbox would refuse the whole batch, and Kavenegar has
			// already marked the message read: log it for the operator.
			g.log.Error("kavenegar: received message dropped", "channel_id", g.cfg.ChannelID,
				"messageid", e.MessageID, "sender", e.Sender, "err", err)
			continue
		}
		if e.Date > 0 {
			in.SentAt = time.Unix(e.Date, 0).UTC()
		}
		in.Cursor = strconv.FormatInt(e.MessageID, 10)
		batch = append(batch, in)
	}
	return batch, nil
}

// Run polls sms/receive.json every PollSeconds and hands what arrives to
// sink, each message carrying its Kavenegar id as the cursor. The cursor
// records progress only: Kavenegar's read flag decides what comes next, so
// Run does not need the cursor it starts from, and the inbox drops repeats
// by id. A batch the sink fails to store is kept and
// offered again, never dropped. Run returns nil when ctx is done and an
// error when Kavenegar refuses the account (an invalid API key or line);
// other failures are logged and retried.
func (g *Gateway) Run(ctx context.Context, cursor string, sink channels.Store) error {
	if g.cfg.Sender == "" {
		return errors.New("kavenegar: polling needs the line number (sender) to receive on")
	}
	var pending []channels.Inbound
	for {
		if len(pending) == 0 {
			batch, err := g.Receive(ctx)
			switch {
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, channels.ErrPermanent):
				return err
			case err != nil:
				g.log.Warn("kavenegar: receive", "channel_id", g.cfg.ChannelID, "err", err)
				if !sleep(ctx, retryDelay(err, g.poll)) {
					return nil
				}
				continue
			}
			pending = batch
		}
		if len(pending) == 0 {
			if !sleep(ctx, g.poll) {
				return nil
			}
			continue
		}
		if err := sink.Ingest(ctx, pending); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			g.log.Error("kavenegar: store received messages; retrying", "channel_id", g.cfg.ChannelID, "count", len(pending), "err", err)
			if !sleep(ctx, g.poll) {
				return nil
			}
			continue
		}
		pending = nil // stored: ask again at once, there may be more
	}
}

// retryDelay is how long to wait after a failed poll: what Kavenegar asked
// for, else the poll interval.
func retryDelay(err error, poll time.Duration) time.Duration {
	var ra *channels.RetryAfterError
	if errors.As(err, &ra) && ra.After > poll {
		return ra.After
	}
	return poll
}

// sleep waits d and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
