package channels

import (
	"context"
	"sync"
	"time"
)

// CursorSaver stores a channel's cursor on its own, for a batch that
// carries no new message to move it with. The inbox is one.
type CursorSaver interface {
	SetCursor(ctx context.Context, channelID int64, cursor string) error
}

// Store is everything a channel's parts hand over: new messages (Sink),
// changes of stored ones (Updater) and cursor moves (CursorSaver). The
// inbox satisfies it; a part gets it whole, so it never has to guess at
// what its sink can do.
type Store interface {
	Sink
	Updater
	CursorSaver
}

// IngestOnly makes a Store of a Sink that takes only new messages: its
// updates apply to nothing (Update reports 0 applied) and its cursor
// moves are dropped. Tests and tools that only collect messages use it.
type IngestOnly struct{ Sink }

// Update applies nothing.
func (IngestOnly) Update(context.Context, []Update) (int, error) { return 0, nil }

// SetCursor drops the cursor.
func (IngestOnly) SetCursor(context.Context, int64, string) error { return nil }

// StatusBoard keeps the Status of every channel of this process. It is
// safe for concurrent use; the zero value is not: use NewStatusBoard. A
// nil board records nothing and reports every channel idle.
type StatusBoard struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[int64]Status
}

// NewStatusBoard returns an empty board.
func NewStatusBoard() *StatusBoard {
	return &StatusBoard{now: time.Now, m: make(map[int64]Status)}
}

// Receiver records the receiver state of channel id.
func (b *StatusBoard) Receiver(id int64, state string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.get(id)
	if s.Receiver != state {
		s.Receiver, s.Since = state, b.now().UTC()
	}
	b.m[id] = s
}

// Failed records err as channel id's last error; a nil err records
// nothing.
func (b *StatusBoard) Failed(id int64, err error) {
	if err == nil || b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.get(id)
	s.LastError, s.LastErrorAt = err.Error(), b.now().UTC()
	b.m[id] = s
}

// Status returns what the board knows of channel id.
func (b *StatusBoard) Status(id int64) Status {
	if b == nil {
		return Status{ChannelID: id, Receiver: StateIdle}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.get(id)
}

// Forget drops channel id (it was deleted).
func (b *StatusBoard) Forget(id int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.m, id)
}

func (b *StatusBoard) get(id int64) Status {
	s, ok := b.m[id]
	if !ok {
		s = Status{ChannelID: id, Receiver: StateIdle}
	}
	return s
}
