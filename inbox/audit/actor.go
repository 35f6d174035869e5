package audit

import "context"

type actorKey struct{}

// WithActor returns ctx saying that user id makes the changes done with
// it, for stores that record their own events (the channel store) to
// name the actor without every caller passing it down.
func WithActor(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, actorKey{}, id)
}

// ActorOf returns the user WithActor put in ctx; 0 (the system, a CLI
// run) when none.
func ActorOf(ctx context.Context) int64 {
	id, _ := ctx.Value(actorKey{}).(int64)
	return id
}
