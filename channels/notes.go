package channels

import (
	"context"
	"sync"
)

// Notes collects what a channel's connection test found worth telling the
// operator besides its verdict (an email channel's plus-address probe).
// The caller that shows the verdict puts a collector in the context with
// WithNotes; the test adds to it with Note.
type Notes struct {
	mu   sync.Mutex
	list []string
}

type notesKey struct{}

// WithNotes returns ctx carrying a new collector, and the collector.
func WithNotes(ctx context.Context) (context.Context, *Notes) {
	n := &Notes{}
	return context.WithValue(ctx, notesKey{}, n), n
}

// Note adds note to the collector of ctx; without one it does nothing.
func Note(ctx context.Context, note string) {
	if n, ok := ctx.Value(notesKey{}).(*Notes); ok {
		n.mu.Lock()
		n.list = append(n.list, note)
		n.mu.Unlock()
	}
}

// List returns the notes in the order they were added.
func (n *Notes) List() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.list...)
}
