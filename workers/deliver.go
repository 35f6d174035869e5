package workers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/inbox"
)

// TypeDeliver is the task that sends one outbound message.
const TypeDeliver = "message:deliver"

// Store is what delivery needs of the inbox.
type Store interface {
	Delivery(ctx context.Context, id int64) (inbox.Delivery, error)
	MarkSent(ctx context.Context, id int64, externalID string) error
	MarkAttempt(ctx context.Context, id int64, err error, final bool) error
	Queued(ctx context.Context, limit int) ([]inbox.QueuedMessage, error)
}

// Senders finds the sender of a channel. cmd/peyk builds the adapters from
// the channels' configuration.
type Senders interface {
	Sender(ctx context.Context, channelID int64) (channels.Sender, error)
}

// DeliveryRetries is how often a failed send is retried before the
// message is marked failed.
const DeliveryRetries = 8

// DeliveryTask returns the task that sends message id on queue. Its TaskID
// is derived from the message id, so a message is never enqueued twice.
func DeliveryTask(id int64, queue string) *asynq.Task {
	return asynq.NewTask(TypeDeliver, []byte(strconv.FormatInt(id, 10)),
		asynq.TaskID("deliver:"+strconv.FormatInt(id, 10)), asynq.Queue(queue), asynq.MaxRetry(DeliveryRetries))
}

// EnqueueDelivery enqueues the delivery of message id on queue, which must
// be the message's own (inbox.Reply.QueueName): task ids are unique only
// within a queue. A delivery already enqueued is not an error.
func EnqueueDelivery(ctx context.Context, c *asynq.Client, id int64, queue string) error {
	_, err := c.EnqueueContext(ctx, DeliveryTask(id, queue))
	if err != nil && !isConflict(err) {
		return fmt.Errorf("workers: enqueue delivery of %d: %w", id, err)
	}
	return nil
}

// deliverer sends messages: it loads the message, sends it through its
// channel's sender and records the outcome. A permanent failure, or the
// last retry, marks the message failed; other failures are retried. Every
// attempt is logged in one line (message_id, channel_id,
// conversation_id, attempt, and the error of a failed one).
type deliverer struct {
	store   Store
	senders Senders
	log     *slog.Logger
}

func (d *deliverer) ProcessTask(ctx context.Context, t *asynq.Task) error {
	id, err := strconv.ParseInt(string(t.Payload()), 10, 64)
	if err != nil {
		return fmt.Errorf("deliver: payload %q: %v: %w", t.Payload(), err, asynq.SkipRetry)
	}
	retried, _ := asynq.GetRetryCount(ctx)
	attrs := []slog.Attr{slog.Int64("message_id", id), slog.Int("attempt", retried+1)}
	del, err := d.store.Delivery(ctx, id)
	if errors.Is(err, inbox.ErrNotFound) {
		d.logAttempt(attrs, "not_found", err)
		return fmt.Errorf("deliver %d: %v: %w", id, err, asynq.SkipRetry)
	}
	if err != nil {
		final := lastTry(ctx)
		d.logAttempt(attrs, outcome(final), fmt.Errorf("load the message: %w", err))
		if final {
			return d.fail(ctx, id, err, true)
		}
		return err
	}
	attrs = append(attrs, slog.Int64("channel_id", del.Message.ChannelID), slog.Int64("conversation_id", del.ConversationID))
	if del.Status != "queued" {
		return nil // sent (or failed) already: a duplicate run sends nothing
	}
	sender, err := d.senders.Sender(ctx, del.Message.ChannelID)
	if err != nil {
		err = fmt.Errorf("no sender for channel %d: %w", del.Message.ChannelID, err)
		d.logAttempt(attrs, "failed", err)
		return d.fail(ctx, id, err, true)
	}
	res, err := sender.Send(ctx, del.Message)
	if err == nil {
		d.logAttempt(append(attrs, slog.String("provider_id", res.ExternalID)), "sent", nil)
		return d.store.MarkSent(ctx, id, res.ExternalID)
	}
	final := errors.Is(err, channels.ErrPermanent) || lastTry(ctx)
	d.logAttempt(attrs, outcome(final), err)
	return d.fail(ctx, id, err, final)
}

// outcome names a failed attempt: the message failed for good, or it is
// retried.
func outcome(final bool) string {
	if final {
		return "failed"
	}
	return "retry"
}

// logAttempt writes the one log line of a delivery attempt.
func (d *deliverer) logAttempt(attrs []slog.Attr, result string, err error) {
	if d.log == nil {
		return
	}
	attrs = append(attrs, slog.String("result", result))
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.Any("err", err))
	}
	d.log.LogAttrs(context.Background(), level, "delivery attempt", attrs...)
}

// fail records a failed attempt and tells asynq whether to retry.
func (d *deliverer) fail(ctx context.Context, id int64, err error, final bool) error {
	if contextDone(ctx) {
		return err // shutting down: the task goes back to the queue untouched
	}
	if merr := d.store.MarkAttempt(ctx, id, err, final); merr != nil {
		return merr
	}
	if final {
		return fmt.Errorf("deliver %d: %v: %w", id, err, asynq.SkipRetry)
	}
	return fmt.Errorf("deliver %d: %w", id, err)
}

// isConflict reports whether an enqueue failed only because the task is
// already there.
func isConflict(err error) bool { return errors.Is(err, asynq.ErrTaskIDConflict) }
