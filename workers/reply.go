package workers

import (
	"context"
	"log/slog"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/inbox"
)

// Replier stores a reply as a queued outbound message: an *inbox.Inbox,
// or an inbox.Scoped for an agent who may see only some conversations.
type Replier interface {
	AddReply(ctx context.Context, r inbox.Reply) (int64, error)
}

// SendReply is the one reply path: it stores r through store as a queued
// outbound message, enqueues its delivery on c on the reply's queue
// (inbox.Reply.QueueName), and returns the message's id. The API, the
// agent's page and the demo all reply through it. A reply stored but not
// enqueued (c is nil, or Redis cannot be reached) is not an error: the
// message stays queued, the reconciler enqueues it, and log says so.
func SendReply(ctx context.Context, store Replier, c *asynq.Client, log *slog.Logger, r inbox.Reply) (int64, error) {
	id, err := store.AddReply(ctx, r)
	if err != nil {
		return 0, err
	}
	if c == nil {
		log.Warn("no queue: the reply waits for the reconciler", "message_id", id)
	} else if err := EnqueueDelivery(ctx, c, id, r.QueueName()); err != nil {
		log.Warn("enqueue delivery failed; the reconciler retries", "message_id", id, "err", err)
	}
	return id, nil
}
