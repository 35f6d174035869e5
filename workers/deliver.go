package workers

import (
	"context"
	"errors"
	"fmt"
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
// last retry, marks the message failed; other failures are retried.
type deliverer struct {
	store   Store
	senders Senders
}

func (d *deliverer) ProcessTask(ctx context.Context, t *asynq.Task) error {
	id, err := strconv.ParseInt(string(t.Payload()), 10, 64)
	if err != nil {
		return fmt.Errorf("deliver: payload %q: %v: %w", t.Payload(), err, asynq.SkipRetry)
	}
	del, err := d.store.Delivery(ctx, id)
	if errors.Is(err, inbox.ErrNotFound) {
		return fmt.Errorf("deliver %d: %v: %w", id, err, asynq.SkipRetry)
	}
	if err != nil {
		if lastTry(ctx) {
			return d.fail(ctx, id, err, true)
		}
		return err
	}
	if del.Status != "queued" {
		return nil // sent (or failed) already: a duplicate run sends nothing
	}
	sender, err := d.senders.Sender(ctx, del.Message.ChannelID)
	if err != nil {
		return d.fail(ctx, id, fmt.Errorf("no sender for channel %d: %w", del.Message.ChannelID, err), true)
	}
	res, err := sender.Send(ctx, del.Message)
	if err == nil {
		return d.store.MarkSent(ctx, id, res.ExternalID)
	}
	return d.fail(ctx, id, err, errors.Is(err, channels.ErrPermanent) || lastTry(ctx))
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
